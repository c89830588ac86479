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
            #expect(error.code.rawValue == "inbox_locked")
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

    /// A `[[watch]]` table for inbox `inbox`, outbox `out-NAME`.
    static func watch(_ name: String, inbox: String) -> String {
        "[[watch]]\nname = \"\(name)\"\ninbox = \"\(inbox)\"\noutbox = \"out-\(name)\"\n  [watch.default_order]\n  provider = \"preview\"\n"
    }

    @Test("a reload whose new watch cannot be set up keeps none of the new inboxes it claimed")
    func failedReloadReleasesWhatItClaimed() async throws {
        let dir = try TemporaryDirectory("inbox-lock-reload")
        let file = dir.url("a.toml")
        try FileFixtures.write("state_dir = \"state-a\"\n" + Self.watch("w", inbox: "inbox"), to: file)
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: try ConfigurationLoader.load(path: file), logger: log.logger)
        let running = RunningDaemon(daemon)
        // The new watch's inbox is claimed, then its outbox cannot be made (a file stands there).
        try FileFixtures.write("not a folder", to: dir.url("out-f"))
        try FileFixtures.write("state_dir = \"state-a\"\n" + Self.watch("w", inbox: "inbox") + Self.watch("f", inbox: "fresh"), to: file)
        daemon.reload()
        try await eventually("the reload to fail") { log.text.contains("reload failed") }
        let other = try loadConfiguration("state_dir = \"state-b\"\n" + Self.watch("g", inbox: "fresh"), in: dir)
        #expect(throws: Never.self, "the failed reload still holds the inbox it claimed") {
            _ = try Daemon.build(configuration: other, logger: quietLogger)
        }
        try await running.stop()
    }
}
