import Foundation
import RefkitTestSupport
import Testing

/// What the README says about the process matches what the real binary does.
@Suite("Documented behaviour of the binary", .timeLimit(.minutes(1)))
struct DocumentedExitCodeTests {
    static var readme: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }

    /// The "Exit status" paragraph names the code a usage error really exits with.
    @Test func usageErrorsExitWithTheDocumentedCode() async throws {
        let dir = try TemporaryDirectory("usage-exit")
        var codes = Set<Int32>()
        for arguments in [["--no-such-option"], ["no-such-command"], ["select"]] {
            let run = try RefkitProcess(arguments, log: dir.url("usage.log"))
            codes.insert(try await run.waitForExit())
        }
        #expect(codes.count == 1, "usage errors exit with one code: \(codes)")
        let code = try #require(codes.first)
        let exitParagraph = Self.readme.components(separatedBy: "Exit status:").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
        #expect(exitParagraph.contains("\(code)\nusage error") || exitParagraph.contains("\(code) usage error"), "README: \(exitParagraph)")
    }

    /// Everything the README lists is built: no stale "not built yet" list.
    @Test func noStaleNotBuiltList() {
        #expect(!Self.readme.localizedCaseInsensitiveContains("not built yet"))
    }
}
