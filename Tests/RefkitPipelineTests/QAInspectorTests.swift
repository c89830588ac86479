import RefkitCore
import RefkitFaces
import RefkitImaging
import RefkitPipeline
import RefkitQA
import RefkitTestSupport
import Testing

/// The local checks on real photographs through the real decoders (libvips, dlib), as the
/// pipeline will run them: the failures users report, each caught by the check named, and a
/// right image passing. Photos and models come from scripts/install-models.sh.
@Suite("QA inspector on real photographs")
struct QAInspectorTests {
    static let all = Set(QACheckID.allCases)

    static func inspector() throws -> QAInspector {
        let analyzer = try FaceAnalyzer.open(modelsDirectory: try QAFixtures.requireModelsDirectory())
        return QAInspector(analyzer: analyzer, thresholds: QAThresholds())
    }

    static func result(_ checks: [QACheckResult], _ id: QACheckID) throws -> QACheckResult {
        try #require(checks.first { $0.check == id })
    }

    @Test func anotherPersonAsTheFrontFailsIdentityAndTheSamePersonPasses() throws {
        let qa = try Self.inspector()
        let reference = try qa.reference(try QAFixtures.photo("obama.jpg"), file: "avatar.png")
        #expect(reference.identity == .photoreal)
        let wrong = try qa.inspect(
            stage: .referenceAvatar, candidate: try QAFixtures.photo("biden.jpg"), reference: reference, others: [], enabled: Self.all)
        let identity = try Self.result(wrong.checks, .identity)
        #expect(identity.verdict == .fail, "\(identity)")
        #expect(identity.reason == .identityDistance)
        let right = try qa.inspect(
            stage: .referenceAvatar, candidate: try QAFixtures.photo("obama2.jpg"), reference: reference, others: [],
            enabled: Self.all)
        #expect(try Self.result(right.checks, .identity).verdict == .pass, "\(right.checks)")
        // obama2 looks a little aside (nose offset over 0.12): a face, so never a fail; pass or warn.
        #expect(try Self.result(right.checks, .face).verdict < .fail, "\(right.checks)")
    }

    @Test func aFaceOnTheBackViewAndAFrontalFaceOnTheSideViewFail() throws {
        let qa = try Self.inspector()
        let reference = try qa.reference(try QAFixtures.photo("obama.jpg"), file: "avatar.png")
        let back = try qa.inspect(
            stage: .back, candidate: try QAFixtures.photo("obama2.jpg"), reference: reference, others: [], enabled: Self.all)
        #expect(try Self.result(back.checks, .face).reason == .faceInBackView, "\(back.checks)")
        // The astronaut looks straight at the camera.
        let side = try qa.inspect(
            stage: .side, candidate: try QAFixtures.photo("astronaut.png"), reference: reference, others: [], enabled: Self.all)
        #expect(try Self.result(side.checks, .face).reason == .frontalInSideView, "\(side.checks)")
    }

    @Test func theFrontFlippedAsTheSideIsAMirrorAndTheSameImageTwiceADuplicate() throws {
        let qa = try Self.inspector()
        let front = try QAFixtures.photo("astronaut.png")
        let reference = try qa.reference(front, file: "avatar.png")
        let accepted = [NamedFingerprint(file: "front.png", fingerprint: try ImageOps.fingerprint(front).fingerprint)]
        let flipped = try ImageOps.mirrored(front).data
        let side = try qa.inspect(stage: .side, candidate: flipped, reference: reference, others: accepted, enabled: Self.all)
        #expect(try Self.result(side.checks, .mirror).reason == .mirrorOf("front.png"), "\(side.checks)")
        let again = try qa.inspect(stage: .halfBody, candidate: front, reference: reference, others: accepted, enabled: Self.all)
        let duplicate = try Self.result(again.checks, .duplicate)
        #expect(duplicate.verdict == .fail)
        #expect(duplicate.reason == .duplicateOf("front.png") || duplicate.reason == .duplicateOf("avatar.png"), "\(duplicate)")
    }

    @Test func aBlackImageIsBlankAndNoImageIsNoImage() throws {
        let qa = try Self.inspector()
        let black = try ImageOps.solid(width: 768, height: 1024, red: 0, green: 0, blue: 0, format: "png")
        let blank = try qa.inspect(stage: .front, candidate: black, reference: nil, others: [], enabled: Self.all)
        #expect(try Self.result(blank.checks, .health).reason == .blank)
        let none = try qa.inspect(stage: .front, candidate: nil, reference: nil, others: [], enabled: Self.all)
        #expect(try Self.result(none.checks, .health).reason == .noImage)
    }

    @Test func aDrawnCharacterIsStylizedAndItsIdentityIsSkippedNotPassed() throws {
        let qa = try Self.inspector()
        // A flat drawing with no photographic face (the demo's drawn characters are of this kind).
        let drawn = try ImageOps.solid(width: 768, height: 1024, red: 200, green: 120, blue: 60, format: "png")
        let reference = try qa.reference(drawn, file: "avatar.png")
        guard case .stylized = reference.identity else {
            Issue.record("a drawing was taken for a photograph: \(reference.identity)")
            return
        }
        let checked = try qa.inspect(
            stage: .referenceAvatar, candidate: try QAFixtures.photo("obama.jpg"), reference: reference, others: [],
            enabled: Self.all)
        let identity = try Self.result(checked.checks, .identity)
        #expect(identity.verdict == .skipped, "\(identity)")
        #expect(identity.detail.contains("stylized"), "\(identity)")
    }
}
