import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitWeb

/// The `refkit` executable built beside the test bundle.
let refkitBinary: String = {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("refkit").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    return "\(root.path)/.build/debug/refkit"
}()

@Suite("refkit web-url")
struct WebURLCommandTests {
    static func config(in dir: TemporaryDirectory, web: String) throws -> String {
        let file = dir.url("refkit.toml")
        let text = "state_dir = \"state\"\n\(web)\n[[watch]]\nname = \"w\"\ninbox = \"inbox\"\noutbox = \"outbox\"\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func printsTheLoginLinkMakingTheTokenOnce() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: refkitBinary), "build the refkit product first: \(refkitBinary)")
        let dir = try TemporaryDirectory("weburl")
        let config = try Self.config(in: dir, web: "[web]\nlisten = \"[::1]:18642\"")
        let first = try await ChildProcess.runOffPool(refkitBinary, ["web-url", "--config", config], stderr: .discard)
        #expect(first.status == 0, "\(first.output)")
        let token = try #require(try WebToken.load(at: dir.url("state/web-token")))
        #expect(first.output == "http://[::1]:18642/login?token=\(token.value)\n")
        let second = try await ChildProcess.runOffPool(refkitBinary, ["web-url", "--config", config], stderr: .discard)
        #expect(second.output == first.output)
    }

    @Test func aWildcardListenerIsReachedOnLoopback() async throws {
        let dir = try TemporaryDirectory("weburl")
        let config = try Self.config(in: dir, web: "[web]\nlisten = \"0.0.0.0:8642\"\nallow_remote = true\ntoken_file = \"tok\"")
        let run = try await ChildProcess.runOffPool(refkitBinary, ["web-url", "--config", config], stderr: .discard)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.hasPrefix("http://127.0.0.1:8642/login?token="))
        #expect(FileManager.default.fileExists(atPath: dir.url("tok")))
    }

    @Test func anOpenTokenFileFailsNamingItAndItsMode() async throws {
        let dir = try TemporaryDirectory("weburl")
        let config = try Self.config(in: dir, web: "")
        try dir.folder("state")
        let token = dir.url("state/web-token")
        #expect(
            FileManager.default.createFile(
                atPath: token, contents: Data(String(repeating: "k", count: 40).utf8), attributes: [.posixPermissions: 0o640]))
        let run = try await ChildProcess.runOffPool(refkitBinary, ["web-url", "--config", config])
        #expect(run.status == 1)
        #expect(run.output.contains("web token \(token): its mode is 0640"), "\(run.output)")
        #expect(!run.output.contains("http://"))
    }
}
