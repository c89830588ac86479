import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One inbox, one daemon: a second daemon (another state directory) is refused with the first
/// one's state directory named, and a killed holder frees the inbox at once.
@Suite("Inbox lock", .serialized, .timeLimit(.minutes(2)))
struct InboxLockTests {
    static func config(state: String, in dir: TemporaryDirectory) -> String {
        """
        state_dir = "\(state)"
        [[watch]]
        name = "w"
        inbox = "inbox"
        outbox = "out-\(state)"
        settle_ms = 50
          [watch.default_order]
          provider = "preview"
        """
    }

    @Test("a second daemon on the same inbox is refused, naming the first one's state directory")
    func secondDaemonIsRefused() throws {
        let dir = try TemporaryDirectory("inbox-lock")
        var first: Daemon? = try Daemon.build(
            configuration: loadConfiguration(Self.config(state: "state-a", in: dir), in: dir), logger: quietLogger)
        #expect(first != nil)
        let second = try loadConfiguration(Self.config(state: "state-b", in: dir), in: dir)
        do {
            _ = try Daemon.build(configuration: second, logger: quietLogger)
            Issue.record("a second daemon claimed an inbox in use")
        } catch let error as RefkitError {
            #expect(error.code == "inbox_locked")
            #expect(error.detail.contains(dir.url("state-a")), "\(error.detail)")
        }
        first = nil
        _ = try Daemon.build(configuration: second, logger: quietLogger)
    }

    @Test("the lock of a killed daemon is released; the lock file is never taken in")
    func killedHolderReleases() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: refkitBinary), "build the refkit product first: \(refkitBinary)")
        let dir = try TemporaryDirectory("inbox-lock")
        try FileFixtures.write(Self.config(state: "state-a", in: dir), to: dir.url("a.toml"))
        let holder = try RefkitProcess(["run", "--config", dir.url("a.toml")], log: dir.url("a.log"))
        try await eventually("the first daemon to claim the inbox", timeout: .seconds(30)) {
            ((try? String(contentsOfFile: dir.url("inbox/.refkit-inbox.lock"), encoding: .utf8)) ?? "").contains("pid=\(holder.child.pid)")
        }
        let second = try loadConfiguration(Self.config(state: "state-b", in: dir), in: dir)
        #expect(throws: RefkitError.self) { try Daemon.build(configuration: second, logger: quietLogger) }
        holder.kill(SIGKILL)
        _ = try await holder.waitForExit()
        let daemon = try Daemon.build(configuration: second, logger: quietLogger)
        let summary = try await daemon.run(.once)
        #expect(summary.rejected == 0, "the lock file is not an inbox entry")
        #expect(FileFixtures.exists(dir.url("inbox/.refkit-inbox.lock")))
    }
}
