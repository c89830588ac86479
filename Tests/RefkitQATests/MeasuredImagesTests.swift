import RefkitCore
import RefkitImaging
import Testing

@testable import RefkitQA

/// Real libvips fingerprints (in memory, no files) through the local checks: the failures the
/// issue names are caught by the check named, and distinct pictures pass.
@Suite("LocalChecks on measured images")
struct MeasuredImagesTests {
    let checks = LocalChecks()

    func facts(_ bytes: [UInt8]) throws -> ImageFacts {
        let measured = try ImageOps.fingerprint(bytes)
        return ImageFacts(fingerprint: measured.fingerprint, health: measured.health)
    }

    func evaluate(_ stage: Stage, _ bytes: [UInt8], against others: [(String, [UInt8])]) throws -> [QACheckResult] {
        let named = try others.map { NamedFingerprint(file: $0.0, fingerprint: try facts($0.1).fingerprint) }
        return checks.evaluate(stage: stage, candidate: try facts(bytes), others: named, faces: nil, identity: .photoreal)
    }

    @Test("an expression that is the avatar re-encoded at another size is duplicate_of:avatar.png")
    func unchangedInput() throws {
        let avatar = try ImageOps.synthesize(width: 1024, height: 1024, seed: 3, format: "png")
        let smile = try ImageOps.normaliseSource(avatar, maxLongSide: 700, quality: 80).data
        let results = try evaluate(.expression("smile"), smile, against: [("avatar.png", avatar)])
        #expect(results[1].reason == .duplicateOf("avatar.png"))
        #expect(results[0].verdict == .pass && results[2].verdict == .pass)
    }

    @Test("a side view that is the front flipped is mirror_of:front.png")
    func mirroredSide() throws {
        let front = try ImageOps.synthesize(width: 768, height: 1024, seed: 5, format: "png")
        let side = try ImageOps.mirrored(front).data
        let results = try evaluate(.side, side, against: [("front.png", front)])
        #expect(results[2].reason == .mirrorOf("front.png"))
        #expect(results[1].verdict == .pass)
    }

    @Test("a black image is blank")
    func black() throws {
        let black = try ImageOps.solid(width: 768, height: 1024, red: 0, green: 0, blue: 0, format: "png")
        let results = try evaluate(.back, black, against: [])
        #expect(results[0].reason == .blank)
        let grey = try ImageOps.solid(width: 768, height: 1024, red: 128, green: 128, blue: 128, format: "jpeg")
        #expect(try evaluate(.front, grey, against: []).first?.reason == .blank)
    }

    @Test("distinct pictures pass health, duplicate and mirror")
    func distinct() throws {
        let avatar = try ImageOps.synthesize(width: 1024, height: 1024, seed: 3, format: "png")
        let front = try ImageOps.synthesize(width: 768, height: 1024, seed: 5, format: "jpeg")
        let back = try ImageOps.synthesize(width: 768, height: 1024, seed: 21, format: "png")
        let results = try evaluate(.back, back, against: [("avatar.png", avatar), ("front.png", front)])
        #expect(results.prefix(3).map(\.verdict) == [.pass, .pass, .pass])
        #expect(results.suffix(2).map(\.verdict) == [.skipped, .skipped])
    }
}
