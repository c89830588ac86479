import RefkitCore
import RefkitFaces
import RefkitImaging
import RefkitQA

/// Measures images for QA's local checks and asks `LocalChecks` for the verdicts: one decode
/// for the fingerprint and health, one for the faces. The rules are RefkitQA's; this is the
/// edge that feeds them real pixels (libvips, dlib).
public struct QAInspector: Sendable {
    /// nil: the face models could not be loaded, so the face and identity checks say `skipped`.
    public let analyzer: FaceAnalyzer?
    public let thresholds: QAThresholds
    /// Faces are looked for with the image's long side at most this (a 1024 px body view keeps
    /// faces of about 80 px, HOG's 80 x 80 window).
    public static let faceLongSide = 1024
    public init(analyzer: FaceAnalyzer?, thresholds: QAThresholds) {
        self.analyzer = analyzer
        self.thresholds = thresholds
    }

    /// What the identity checks compare with: the locked reference (or the source, for the
    /// avatar and its candidates), measured once per kit and reference generation.
    public struct Reference: Sendable {
        public var file: String
        public var fingerprint: ImageFingerprint
        /// The best face's embedding, when one was found with an embedding.
        public var embedding: FaceEmbedding?
        public var identity: IdentityMode
    }

    /// Measures the identity reference; `fingerprint` when it is known already (one decode fewer).
    /// Its faces are searched at 1024 px whatever its framing: at 512 px the embedding of a face
    /// that fills less of the picture drifts enough to let another person pass.
    public func reference(
        _ bytes: [UInt8], file: String, fingerprint known: ImageFingerprint? = nil
    ) throws(ImagingError) -> Reference {
        let fingerprint: ImageFingerprint
        if let known { fingerprint = known } else { fingerprint = try ImageOps.fingerprint(bytes).fingerprint }
        let faces = try detectedFaces(bytes, longSide: Self.faceLongSide)
        let observed = faces.map { found in found.map { Self.observation($0, against: nil) } }
        return Reference(
            file: file, fingerprint: fingerprint, embedding: faces?.first?.embedding,
            identity: IdentityMode.of(lockedReferenceFaces: observed, thresholds: thresholds))
    }

    /// The local checks of one candidate, in LocalChecks' order. `others` are the kit's other
    /// accepted images (and the source) by file name; the reference is added to them.
    public func inspect(
        stage: Stage, candidate bytes: [UInt8]?, reference: Reference?, others: [NamedFingerprint], enabled: Set<QACheckID>
    ) throws(ImagingError) -> (checks: [QACheckResult], fingerprint: ImageFingerprint?) {
        let checks = LocalChecks(thresholds: thresholds, enabled: enabled)
        var compared = others
        if let reference, !compared.contains(where: { $0.file == reference.file }) {
            compared.append(NamedFingerprint(file: reference.file, fingerprint: reference.fingerprint))
        }
        let identity = reference?.identity ?? .stylized(reason: "the kit has no locked reference yet")
        guard let bytes else {
            return (checks.evaluate(stage: stage, candidate: nil, others: compared, faces: nil, identity: identity), nil)
        }
        let (fingerprint, health) = try ImageOps.fingerprint(bytes)
        // Faces are looked for only where a check reads them: a photoreal kit (a stylised one's face
        // checks are skipped whatever is found) and a view that expects or forbids a face, or
        // measures identity. dlib is most of QA's time; the verdicts are the same without it.
        let expectation = ViewExpectation.of(stage)
        let viewReadsFaces = expectation.faces != .any || expectation.identity != nil
        let wantsFaces = (enabled.contains(.face) || enabled.contains(.identity)) && identity == .photoreal && viewReadsFaces
        let faces =
            wantsFaces
            ? try detectedFaces(bytes, longSide: Self.faceLongSide)?.map {
                Self.observation($0, against: reference?.embedding)
            } : nil
        let results = checks.evaluate(
            stage: stage, candidate: ImageFacts(fingerprint: fingerprint, health: health), others: compared, faces: faces,
            identity: identity)
        return (results, fingerprint)
    }

    /// Faces best first, with embeddings; nil when there is no analyzer.
    func detectedFaces(_ bytes: [UInt8], longSide: Int) throws(ImagingError) -> [DetectedFace]? {
        guard let analyzer else { return nil }
        let pixels = try ImageOps.rgbPixels(bytes, maxLongSide: longSide)
        do {
            return try analyzer.analyze(pixels: pixels, embeddings: true)
        } catch {
            throw ImagingError(code: ImagingError.processFailedCode, message: "face analysis failed", detail: error.description)
        }
    }

    /// RefkitFaces' face as the decisions see it.
    static func observation(_ face: DetectedFace, against reference: FaceEmbedding?) -> FaceObservation {
        let pose: FaceObservation.Pose =
            switch face.pose {
            case .frontal?, nil: .frontal
            case .leftLooking?, .rightLooking?: .turned
            case .rotatedLeft?, .rotatedRight?: .rotated
            }
        let distance = reference.flatMap { reference in face.embedding.map { $0.distance(to: reference) } }
        return FaceObservation(score: face.score, pose: pose, noseOffsetRatio: face.noseOffsetRatio, identityDistance: distance)
    }
}
