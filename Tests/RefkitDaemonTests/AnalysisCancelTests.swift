import Foundation
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that takes connections (the kernel's backlog) and never answers.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw FixtureError("cannot listen") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

/// A stop that cancels the kit's analysis mid-call leaves no analysis behind: the kit is
/// analysed at the next start, not made for ever without the description the order asked for.
@Suite("The analysis and a stop", .timeLimit(.minutes(1)))
struct AnalysisCancelTests {
    @Test func aCancelledAnalysisIsNotKeptAsTheKitsAnalysis() async throws {
        let silent = try SilentListener()
        let dir = try TemporaryDirectory("analysis-cancel")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write("sk-analysis-cancel-0000", to: dir.url("analyzer.key"))
        let text =
            lifecycleConfig(#"stages = ["avatar"]"# + "\n  analyze = true") + """

                [daemon]
                drain_timeout_s = 1
                [analyzer]
                base_url = "http://127.0.0.1:\(silent.port)/v1"
                model = "vision-1"
                api_key_file = "analyzer.key"
                timeout_s = 20
                """
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: quietLogger)
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 33, width: 96, height: 128), to: "\(inbox)/quiet.jpg")
        try await eventually("the analysis to be asked for", timeout: .seconds(20)) {
            try daemon.database.kits().first?.status == .analyzing
        }
        try await Task.sleep(for: .milliseconds(300))
        try await running.stop()
        let kit = try #require(try daemon.database.kits().first)
        #expect(kit.analysis == nil, "kept as the kit's analysis: \(kit.analysis ?? "")")
    }
}
