import Foundation
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

/// Avatar candidates are possible avatars: they are asked for, and made, at the avatar's square
/// size (the prompt asks for square framing), never at the portrait size of body views.
@Suite("Avatar candidates", .timeLimit(.minutes(2)))
struct CandidateSizeTests {
    @Test("candidates are made at the avatar's size, through the real preview provider")
    func candidatesAreSquareLikeTheAvatar() async throws {
        let dir = try TemporaryDirectory("candidate-size")
        let inbox = try dir.folder("inbox")
        // lifecycleConfig's "fake" is a real preview provider when no in-process one replaces it.
        let text = lifecycleConfig(#"stages = ["avatar", "side"]"# + "\n  candidates = 3")
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: quietLogger)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 81, width: 300, height: 400), to: "\(inbox)/sky.jpg")
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        let kit = try #require(try daemon.database.kit("sky"))
        let manifest = try await checkKitFolderExactly(try #require(kit.outboxDir))
        let avatar = try #require(manifest["stages"]?.arrayValue?.first { $0["stage"] == .string("avatar") })
        let size = Stage.avatar.imageSize
        #expect(
            avatar["width"] == .number(Double(size.width), isInteger: true)
                && avatar["height"] == .number(Double(size.height), isInteger: true))
        let candidates = try #require(manifest["candidates"]?.arrayValue)
        #expect(candidates.count == 3)
        for candidate in candidates {
            #expect(
                candidate["width"] == avatar["width"] && candidate["height"] == avatar["height"], "\(candidate["stage"] ?? JSONValue.null)")
        }
        let side = try #require(manifest["stages"]?.arrayValue?.first { $0["stage"] == .string("side") })
        #expect(
            side["width"] == .number(768, isInteger: true) && side["height"] == .number(1024, isInteger: true), "body views stay portrait")
    }
}
