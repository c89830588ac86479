import RefkitCore

/// The checks that need no model call, decided from measured facts (QA-research.md §5.2):
/// health, duplicate, mirror, face and identity, in that order. They cost nothing, so they run
/// on every reference; a failure among them decides the stage without the judge
/// (`StageVerdict.needsJudge`).
public struct LocalChecks: Sendable {
    /// The edges every check is held to.
    public var thresholds: QAThresholds
    /// The checks an order or watch keeps (`qa_checks`); the others are reported `skipped`.
    public var enabled: Set<QACheckID>

    /// Checks with `thresholds`, keeping only `enabled` (all by default).
    public init(thresholds: QAThresholds = QAThresholds(), enabled: Set<QACheckID> = Set(QACheckID.allCases)) {
        self.thresholds = thresholds
        self.enabled = enabled
    }

    /// The five local results for one candidate of `stage`.
    /// - Parameters:
    ///   - candidate: what the decode measured; nil when the provider answered with no image.
    ///   - others: the kit's accepted images, the source and the locked reference, by file name.
    ///   - faces: every face found on the candidate; nil when face analysis did not run.
    ///   - identity: whether the kit's faces are photographic (`IdentityMode.of`).
    public func evaluate(
        stage: Stage, candidate: ImageFacts?, others: [NamedFingerprint], faces: [FaceObservation]?, identity: IdentityMode
    ) -> [QACheckResult] {
        all(stage: stage, candidate: candidate, others: others, faces: faces, identity: identity).map { result in
            enabled.contains(result.check) ? result : .skipped(result.check, "turned off by qa_checks")
        }
    }

    private func all(
        stage: Stage, candidate: ImageFacts?, others: [NamedFingerprint], faces: [FaceObservation]?, identity: IdentityMode
    ) -> [QACheckResult] {
        guard let candidate else {
            let noImage = QACheckResult(
                check: .health, verdict: .fail, detail: "the provider answered without an image", reason: .noImage)
            let rest: [QACheckID] = [.duplicate, .mirror, .face, .identity]
            return [noImage] + rest.map { .skipped($0, "no image to check") }
        }
        let expectation = ViewExpectation.of(stage)
        let counted = faces.map { found in found.filter { $0.score >= thresholds.faceScore }.sorted { $0.score > $1.score } }
        return [
            health(candidate.health),
            duplicate(candidate.fingerprint, others),
            mirror(candidate.fingerprint, others),
            face(expectation.faces, counted, identity),
            self.identity(expectation.identity, counted, identity, stage),
        ]
    }

    func health(_ health: ImageHealth) -> QACheckResult {
        let side = min(health.width, health.height)
        let deviations = "\(health.stddevMin.rounded(places: 1))-\(health.stddevMax.rounded(places: 1))"
        let measured = "\(health.width)x\(health.height), band deviation \(deviations), mean \(health.mean.rounded(places: 1))"
        if side < thresholds.minSide {
            return QACheckResult(
                check: .health, verdict: .fail, score: Double(side), threshold: Double(thresholds.minSide),
                detail: "\(measured): the shorter side is under \(thresholds.minSide) px", reason: .tiny)
        }
        if health.stddevMax < thresholds.blankStddev {
            return QACheckResult(
                check: .health, verdict: .fail, score: health.stddevMax, threshold: thresholds.blankStddev,
                detail: "\(measured): every band is flat (blank or a placeholder)", reason: .blank)
        }
        return QACheckResult(
            check: .health, verdict: .pass, score: health.stddevMax, threshold: thresholds.blankStddev, detail: measured)
    }

    func duplicate(_ candidate: ImageFingerprint, _ others: [NamedFingerprint]) -> QACheckResult {
        let measured = others.map { (file: $0.file, distance: candidate.distance(to: $0.fingerprint)) }
        let threshold = Double(thresholds.duplicatePhash)
        let copies = measured.filter { $0.distance.phash <= thresholds.duplicatePhash && $0.distance.dhash <= thresholds.duplicateDhash }
        if let copy = copies.min(by: { $0.distance.phash < $1.distance.phash }) {
            return QACheckResult(
                check: .duplicate, verdict: .fail, score: Double(copy.distance.phash), threshold: threshold,
                detail: "the same picture as \(copy.file) (pHash \(copy.distance.phash), dHash \(copy.distance.dhash) bits)",
                reason: .duplicateOf(copy.file))
        }
        guard let nearest = measured.min(by: { $0.distance.phash < $1.distance.phash }) else {
            return .skipped(.duplicate, "no other image to compare with")
        }
        return QACheckResult(
            check: .duplicate, verdict: .pass, score: Double(nearest.distance.phash), threshold: threshold,
            detail: "nearest is \(nearest.file) (pHash \(nearest.distance.phash), dHash \(nearest.distance.dhash) bits)")
    }

    func mirror(_ candidate: ImageFingerprint, _ others: [NamedFingerprint]) -> QACheckResult {
        let measured = others.map { other in
            (
                file: other.file, flipped: candidate.mirrorDistance(to: other.fingerprint).phash,
                plain: candidate.distance(to: other.fingerprint).phash
            )
        }
        let threshold = Double(thresholds.mirrorFlippedPhash)
        let mirrors = measured.filter { $0.flipped <= thresholds.mirrorFlippedPhash && $0.plain > thresholds.mirrorPlainPhashAbove }
        if let mirror = mirrors.min(by: { $0.flipped < $1.flipped }) {
            return QACheckResult(
                check: .mirror, verdict: .fail, score: Double(mirror.flipped), threshold: threshold,
                detail: "\(mirror.file) flipped left-right (pHash \(mirror.flipped) bits from its flip, \(mirror.plain) from it)",
                reason: .mirrorOf(mirror.file))
        }
        guard let nearest = measured.min(by: { $0.flipped < $1.flipped }) else {
            return .skipped(.mirror, "no other image to compare with")
        }
        return QACheckResult(
            check: .mirror, verdict: .pass, score: Double(nearest.flipped), threshold: threshold,
            detail: "nearest flip is \(nearest.file)'s (pHash \(nearest.flipped) bits)")
    }

    func face(_ expected: ViewExpectation.Faces, _ faces: [FaceObservation]?, _ identity: IdentityMode) -> QACheckResult {
        if expected == .any { return .skipped(.face, "this view may or may not show a face") }
        if case .stylized(let why) = identity {
            return .skipped(.face, "stylized kit (\(why)): a drawn face is not measured locally; the judge decides")
        }
        guard let faces else { return .skipped(.face, "face analysis did not run") }
        let gate = thresholds.faceScore
        let best = faces.first
        let found = "\(faces.count) face\(faces.count == 1 ? "" : "s") scoring \(gate) or more"
        func result(_ verdict: QAVerdict, _ detail: String, _ reason: QAReason? = nil, face: FaceObservation? = best) -> QACheckResult {
            QACheckResult(check: .face, verdict: verdict, score: face?.score, threshold: gate, detail: detail, reason: reason)
        }
        switch expected {
        case .none:
            guard best == nil else { return result(.fail, "\(found) on a view seen from behind", .faceInBackView) }
            return result(.pass, "no face, as a view from behind should be")
        case .noFrontal:
            if let frontal = faces.first(where: { $0.isFrontal(thresholds) }) {
                return result(.fail, "a face looks at the camera on a side view (\(found))", .frontalInSideView, face: frontal)
            }
            return result(.pass, best == nil ? "no face from the front" : "\(found), none from the front")
        case .turned:
            guard best != nil else { return result(.warn, "no face found (a turned head is often missed)", .noFace) }
            return result(.pass, found)
        case .frontal(let strict):
            guard let best else {
                let why = strict ? "no face found on a view that must show one" : "no face found (a small face is often missed)"
                return result(strict ? .fail : .warn, why, .noFace)
            }
            guard best.isFrontal(thresholds) else { return result(.warn, "\(found), the best turned away", .notFrontal) }
            return result(.pass, "\(found), the best looking at the camera")
        case .any:
            return .skipped(.face, "this view may or may not show a face")
        }
    }

    func identity(
        _ test: ViewExpectation.IdentityTest?, _ faces: [FaceObservation]?, _ identity: IdentityMode, _ stage: Stage
    ) -> QACheckResult {
        guard let test else { return .skipped(.identity, "view=\(stage.name): no embedding test for this view") }
        if case .stylized(let why) = identity {
            return .skipped(.identity, "stylized kit (\(why)): identity is left to the judge")
        }
        guard let faces else { return .skipped(.identity, "face analysis did not run") }
        guard let distance = faces.first?.identityDistance else { return .skipped(.identity, "no face was measured") }
        let edges = thresholds.band(for: test)
        let verdict = edges.verdict(distance)
        let detail = "distance \(distance.rounded(places: 3)) to the reference face (pass <= \(edges.pass), fail > \(edges.fail))"
        return QACheckResult(
            check: .identity, verdict: verdict, score: distance, threshold: verdict == .fail ? edges.fail : edges.pass,
            detail: detail, reason: verdict == .pass ? nil : .identityDistance)
    }
}
