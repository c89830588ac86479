import RefkitCore
import Testing

@testable import RefkitQA

@Suite("LocalChecks")
struct LocalChecksTests {
    let checks = LocalChecks()

    func run(
        _ stage: Stage = .front, image: ImageFacts? = Facts.image(), others: [NamedFingerprint] = Facts.others,
        faces: [FaceObservation]? = [Facts.frontal()], identity: IdentityMode = .photoreal
    ) -> [QACheckResult] {
        checks.evaluate(stage: stage, candidate: image, others: others, faces: faces, identity: identity)
    }

    func result(_ id: QACheckID, _ results: [QACheckResult]) -> QACheckResult {
        results.first { $0.check == id }!
    }

    @Test("a good front view passes every check, listed in order health, duplicate, mirror, face, identity")
    func allPass() {
        let results = run()
        #expect(results.map(\.check) == [.health, .duplicate, .mirror, .face, .identity])
        #expect(results.allSatisfy { $0.verdict == .pass && $0.reason == nil })
        #expect(result(.identity, results).score == 0.3)
    }

    @Test("no image fails health with no_image; the other checks are skipped")
    func noImage() {
        let results = run(image: nil)
        let expected = QACheckResult(check: .health, verdict: .fail, detail: "the provider answered without an image", reason: .noImage)
        #expect(results[0] == expected)
        #expect(results.dropFirst().allSatisfy { $0.verdict == .skipped })
        #expect(results.count == 5)
    }

    @Test(
        "blank when every band's deviation is under 2; one busy band is enough to pass",
        arguments: [
            ([0.0, 0.0, 0.0], QAVerdict.fail), ([1.99, 1.0, 0.5], .fail), ([2.0, 0.0, 0.0], .pass), ([0.0, 0.0, 30.0], .pass),
        ])
    func blank(deviations: [Double], verdict: QAVerdict) {
        let health = result(.health, run(image: Facts.image(health: Facts.health(deviations: deviations))))
        #expect(health.verdict == verdict)
        #expect(health.reason == (verdict == .fail ? .blank : nil))
        #expect(health.threshold == 2)
    }

    @Test("tiny below 256 px on the shorter side", arguments: [(255, 1024, QAVerdict.fail), (256, 256, .pass), (1024, 100, .fail)])
    func tiny(width: Int, height: Int, verdict: QAVerdict) {
        let health = result(.health, run(image: Facts.image(health: Facts.health(width: width, height: height))))
        #expect(health.verdict == verdict)
        #expect(health.reason == (verdict == .fail ? .tiny : nil))
    }

    @Test(
        "a duplicate needs pHash <= 6 and dHash <= 8 against some other image",
        arguments: [
            (0, 0, true), (6, 8, true), (7, 0, false), (0, 9, false), (6, 9, false),
        ])
    func duplicate(phash: Int, dhash: Int, isDuplicate: Bool) {
        let others = [
            NamedFingerprint(file: "front.png", fingerprint: Facts.unrelated),
            NamedFingerprint(file: "source.jpg", fingerprint: Facts.base),
        ]
        let check = result(.duplicate, run(image: Facts.image(Facts.near(phash: phash, dhash: dhash)), others: others))
        #expect(check.verdict == (isDuplicate ? .fail : .pass))
        #expect(check.reason == (isDuplicate ? .duplicateOf("source.jpg") : nil))
        #expect(check.score == Double(phash))
        #expect(check.threshold == 6)
    }

    @Test("duplicate and mirror are skipped when there is nothing to compare with")
    func nothingToCompare() {
        let results = run(.avatar, others: [])
        #expect(result(.duplicate, results).verdict == .skipped)
        #expect(result(.mirror, results).verdict == .skipped)
    }

    @Test(
        "a mirror: pHash <= 6 from the other's flip while > 12 from the other itself",
        arguments: [
            (0, true), (6, true), (7, false),
        ])
    func mirror(flipped: Int, isMirror: Bool) {
        let check = result(.mirror, run(.side, image: Facts.image(Facts.mirror(flipped: flipped)), faces: []))
        #expect(check.verdict == (isMirror ? .fail : .pass))
        #expect(check.reason == (isMirror ? .mirrorOf("avatar.png") : nil))
        #expect(check.score == Double(flipped))
    }

    @Test("a symmetric picture near its own flip is a duplicate, not a mirror")
    func symmetricIsNotMirror() {
        let symmetric = ImageFingerprint(phash: 0xAAAA, dhash: 0x5555, phashFlipped: 0xAAAB, dhashFlipped: 0x5554)
        let results = run(image: Facts.image(symmetric), others: [NamedFingerprint(file: "avatar.png", fingerprint: symmetric)])
        #expect(result(.mirror, results).verdict == .pass)
        #expect(result(.duplicate, results).reason == .duplicateOf("avatar.png"))
    }

    @Test("a mirror needs the plain pHash distance above 12", arguments: [(12, false), (13, true)])
    func mirrorPlainEdge(plain: Int, isMirror: Bool) {
        let flip: UInt64 = 0x00FF_00FF
        let other = ImageFingerprint(phash: Facts.away(flip, plain), dhash: 0, phashFlipped: flip, dhashFlipped: 0)
        let candidate = ImageFingerprint(phash: flip, dhash: ~0, phashFlipped: 0, dhashFlipped: ~0)
        let others = [NamedFingerprint(file: "front.png", fingerprint: other)]
        let check = result(.mirror, run(.side, image: Facts.image(candidate), others: others))
        #expect(check.verdict == (isMirror ? .fail : .pass))
    }

    @Test(
        "the back view fails on any face scoring 0.5 or more; weaker detections are not faces",
        arguments: [
            ([FaceObservation](), QAVerdict.pass), ([FaceObservation(score: 0.49, pose: .frontal)], .pass),
            ([FaceObservation(score: 0.5, pose: .turned)], .fail), ([Facts.frontal()], .fail),
        ])
    func back(faces: [FaceObservation], verdict: QAVerdict) {
        let face = result(.face, run(.back, faces: faces))
        #expect(face.verdict == verdict)
        #expect(face.reason == (verdict == .fail ? .faceInBackView : nil))
        #expect(face.threshold == 0.5)
    }

    @Test("the side view fails on a frontal face, not on a turned one")
    func side() {
        #expect(result(.face, run(.side, faces: [Facts.frontal()])).reason == .frontalInSideView)
        #expect(result(.face, run(.side, faces: [Facts.turned()])).verdict == .pass)
        #expect(result(.face, run(.side, faces: [FaceObservation(score: 0.3, pose: .frontal)])).verdict == .pass)
        #expect(result(.face, run(.side, faces: [FaceObservation(score: 0.9, pose: .rotated)])).reason == .frontalInSideView)
    }

    @Test(
        "head views fail without a face; body views warn (small faces are missed); 3/4 warns",
        arguments: [
            (Stage.avatar, QAVerdict.fail), (.expression("smile"), .fail), (.referenceAvatar, .fail), (.front, .warn),
            (.fullBody, .warn), (.halfBody, .warn), (.profile, .warn), (.swap("x"), .warn),
        ])
    func noFace(stage: Stage, verdict: QAVerdict) {
        let face = result(.face, run(stage, faces: [FaceObservation(score: 0.2, pose: .frontal)]))
        #expect(face.verdict == verdict)
        #expect(face.reason == .noFace)
    }

    @Test("a turned face where the camera must be faced warns not_frontal; the best-scoring face decides")
    func notFrontal() {
        #expect(result(.face, run(.avatar, faces: [Facts.turned()])).reason == .notFrontal)
        #expect(result(.face, run(.avatar, faces: [Facts.turned(score: 0.8), Facts.frontal(score: 2)])).verdict == .pass)
        #expect(result(.face, run(.profile, faces: [Facts.frontal()])).verdict == .pass)
    }

    @Test("scenes and characters do not check faces or identity")
    func scenes() {
        for stage in [Stage.scene("beach"), .character("mira")] {
            let results = run(stage, faces: [])
            #expect(result(.face, results).verdict == .skipped)
            #expect(result(.identity, results).verdict == .skipped)
        }
    }

    @Test(
        "identity by the view's band, at its edges",
        arguments: [
            (Stage.front, 0.50, QAVerdict.pass), (.front, 0.60, .warn), (.front, 0.61, .fail), (.expression("angry"), 0.55, .warn),
            (.profile, 0.55, .pass), (.profile, 0.65, .warn), (.profile, 0.66, .fail), (.swap("s"), 0.6, .warn),
        ])
    func identity(stage: Stage, distance: Double, verdict: QAVerdict) {
        let faces = stage == .profile ? [Facts.turned(distance: distance)] : [Facts.frontal(distance: distance)]
        let identity = result(.identity, run(stage, faces: faces))
        #expect(identity.verdict == verdict)
        #expect(identity.score == distance)
        #expect(identity.reason == (verdict == .pass ? nil : .identityDistance))
    }

    @Test("no identity test on side and back views")
    func noIdentityOnProfiles() {
        for stage in [Stage.side, .back] {
            let identity = result(.identity, run(stage, faces: []))
            #expect(identity.verdict == .skipped)
            #expect(identity.detail.contains("view=\(stage.name)"))
        }
    }

    @Test("a stylized kit skips face and identity with the reason, never passes them")
    func stylized() {
        let why = "no face was found on the locked reference"
        let results = run(.front, faces: [Facts.frontal(distance: 0.1)], identity: .stylized(reason: why))
        for id in [QACheckID.face, .identity] {
            #expect(result(id, results).verdict == .skipped)
            #expect(result(id, results).detail.contains(why))
        }
        #expect(result(.face, results).detail.contains("a drawn face is not measured locally"))
        // Even a back view with a detected face: a drawn face is not measured.
        #expect(result(.face, run(.back, faces: [Facts.frontal()], identity: .stylized(reason: why))).verdict == .skipped)
    }

    @Test("without face analysis, face and identity are skipped; so is identity when the face has no embedding")
    func noAnalysis() {
        let results = run(faces: nil)
        #expect(result(.face, results).verdict == .skipped && result(.identity, results).verdict == .skipped)
        #expect(result(.identity, run(faces: [Facts.frontal(distance: nil)])).verdict == .skipped)
    }

    @Test("checks an order turned off are skipped and say so; the others still decide")
    func turnedOff() {
        let someOff = LocalChecks(enabled: [.health, .identity])
        let results = someOff.evaluate(
            stage: .back, candidate: Facts.image(Facts.base), others: Facts.others, faces: [Facts.frontal()],
            identity: .photoreal)
        #expect(results.map(\.verdict) == [.pass, .skipped, .skipped, .skipped, .skipped])
        #expect(results[1].detail == "turned off by qa_checks")
        let blank = someOff.evaluate(
            stage: .front, candidate: Facts.image(health: Facts.health(deviations: [0, 0, 0])), others: [],
            faces: nil, identity: .photoreal)
        #expect(blank[0].reason == .blank)
    }
}
