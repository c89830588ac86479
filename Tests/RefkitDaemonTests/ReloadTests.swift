import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A unix datagram socket standing in for systemd's `NOTIFY_SOCKET`.
final class NotifySocket: @unchecked Sendable {
    let fd: Int32
    let path: String

    init(_ path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + 1)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw FixtureError("bind \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    var environment: [String: String] { ["NOTIFY_SOCKET": path] }

    /// The next datagram within `timeout` (poll on a thread of its own, not the cooperative pool).
    func next(timeout: Duration = .seconds(10)) async -> String? {
        await withCheckedContinuation { continuation in
            Thread {
                var pfd = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, Int32(timeout / .milliseconds(1))) > 0 else { return continuation.resume(returning: nil) }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                continuation.resume(returning: count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self))
            }.start()
        }
    }

    /// Datagrams until one starts with `prefix` (others, such as STATUS=, are skipped); nil on timeout.
    func next(startingWith prefix: String, timeout: Duration = .seconds(15)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await next(timeout: deadline - ContinuousClock.now) else { return nil }
            if message.hasPrefix(prefix) { return message }
        }
        return nil
    }
}

func watchTable(_ name: String, provider: String = "fake") -> String {
    """
    [[watch]]
    name = "\(name)"
    inbox = "\(name)/inbox"
    outbox = "\(name)/outbox"
    rejected = "\(name)/rejected"
    settle_ms = 30
    sidecar_wait_ms = 30
      [watch.default_order]
      stages = ["avatar", "front"]
      provider = "\(provider)"

    """
}

@Suite("SIGHUP reload and the stop timeout", .timeLimit(.minutes(2)))
struct ReloadTests {
    // QA off: CountingProvider's images are synthetic (see loadConfiguration).
    static let head = """
        state_dir = "state"
        [qa]
        enabled = false
        [providers.fake]
        kind = "preview"

        """

    @Test func reloadAddsAWatchThatMakesKitsAndABrokenFileKeepsTheRunningConfiguration() async throws {
        let dir = try TemporaryDirectory("reload")
        let file = dir.url("refkit.toml")
        try FileFixtures.write(Self.head + watchTable("a"), to: file)
        let notify = try NotifySocket(dir.url("notify.sock"))
        let log = CapturedLog()
        let provider = try CountingProvider()
        let daemon = try Daemon.build(
            configuration: try ConfigurationLoader.load(path: file), logger: log.logger, providers: ["fake": provider],
            environment: notify.environment)
        let running = RunningDaemon(daemon)
        #expect(await notify.next(startingWith: "READY=1") != nil)
        let database = daemon.database

        try FileFixtures.write(try ImageFixtures.jpeg(seed: 1, width: 120, height: 150), to: dir.url("a/inbox/one.jpg"))
        try await eventually("kit one") { try database.kit("one")?.status == .complete }

        // A second watch, added by a reload.
        try FileFixtures.write(Self.head + watchTable("a") + watchTable("b"), to: file)
        daemon.reload()
        let reloading = await notify.next(startingWith: "RELOADING=1")
        #expect(reloading?.contains("\nMONOTONIC_USEC=") == true, "\(reloading ?? "no RELOADING=1")")
        #expect(await notify.next(startingWith: "READY=1") != nil, "no READY=1 after the reload")
        #expect(daemon.configuration.watches.map(\.name) == ["a", "b"])
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 2, width: 120, height: 150), to: dir.url("b/inbox/two.jpg"))
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 3, width: 120, height: 150), to: dir.url("a/inbox/three.jpg"))
        try await eventually("kits two (new watch) and three (old watch)") {
            try database.kit("two")?.status == .complete && database.kit("three")?.status == .complete
        }
        let two = try #require(try database.kit("two"))
        #expect(two.watch == "b" && two.outboxDir?.hasPrefix(dir.url("b/outbox")) == true)
        _ = try checkManifest(kitFolder: try #require(two.outboxDir))

        // A broken file (an unknown key on line 7): logged with file:line, the running configuration stays.
        try FileFixtures.write(Self.head + "[limits]\nconcurency = 4\n" + watchTable("c"), to: file)
        daemon.reload()
        #expect(await notify.next(startingWith: "RELOADING=1") != nil)
        #expect(await notify.next(startingWith: "READY=1") != nil, "no READY=1 after a failed reload")
        #expect(log.text.contains("reload failed"))
        #expect(log.text.contains("\(file):7: limits.concurency: unknown key"), "the error names file, line and key")
        #expect(daemon.configuration.watches.map(\.name) == ["a", "b"])
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 4, width: 120, height: 150), to: dir.url("b/inbox/four.jpg"))
        try await eventually("kit four after the failed reload") { try database.kit("four")?.status == .complete }
        #expect(!FileManager.default.fileExists(atPath: dir.url("c")), "the broken file's watch was set up")

        // Keys that need a restart are named and keep their running values.
        try FileFixtures.write(
            "log_level = \"debug\"\n" + Self.head.replacingOccurrences(of: "\"state\"", with: "\"state2\"") + watchTable("a"), to: file)
        daemon.reload()
        #expect(await notify.next(startingWith: "READY=1") != nil)
        #expect(log.text.contains("restart needed for state_dir") && log.text.contains("restart needed for log_level"))
        #expect(daemon.configuration.stateDir == dir.url("state"))
        #expect(daemon.configuration.watches.map(\.name) == ["a"])

        let summary = try await running.stop()
        #expect(summary.kits[.complete] == 4, "kits of every generation are counted")
        #expect(summary.accepted == 4)
        #expect(provider.totalCalls == 8, "no stage was made twice across the reloads")
    }

    @Test func aReloadWhileAStageRunsLetsItFinishAndDoesNotRepeatIt() async throws {
        let dir = try TemporaryDirectory("reload-drain")
        let file = dir.url("refkit.toml")
        let slow = "state_dir = \"state\"\n[providers.slow]\nkind = \"preview\"\ndelay_ms = 1500\n"
        try FileFixtures.write(slow + watchTable("a", provider: "slow"), to: file)
        let daemon = try Daemon.build(configuration: try ConfigurationLoader.load(path: file), logger: quietLogger)
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 5, width: 120, height: 150), to: dir.url("a/inbox/slow.jpg"))
        let database = daemon.database
        try await eventually("the avatar to run") { try database.scalar("SELECT count(*) FROM stages WHERE status = 'running'") == 1 }
        try FileFixtures.write(slow + "[limits]\nconcurrency = 2\n" + watchTable("a", provider: "slow"), to: file)
        daemon.reload()
        try await eventually("the kit to complete across the reload", timeout: .seconds(30)) {
            try database.kit("slow")?.status == .complete
        }
        #expect(daemon.configuration.limits.concurrency == 2)
        let kit = try #require(try database.kit("slow"))
        #expect(try database.stages(kitID: kit.id).allSatisfy { $0.attempts == 1 }, "a stage ran twice across the reload")
        try await running.stop()
    }

    @Test func aDrainingStopExtendsSystemdsTimeout() async throws {
        let dir = try TemporaryDirectory("extend")
        let file = dir.url("refkit.toml")
        try FileFixtures.write(
            "state_dir = \"state\"\n[daemon]\ndrain_timeout_s = 60\n[providers.slow]\nkind = \"preview\"\ndelay_ms = 2500\n"
                + watchTable("a", provider: "slow"),
            to: file)
        let notify = try NotifySocket(dir.url("notify.sock"))
        let daemon = try Daemon.build(
            configuration: try ConfigurationLoader.load(path: file), logger: quietLogger, environment: notify.environment)
        let running = RunningDaemon(daemon)
        #expect(await notify.next(startingWith: "READY=1") != nil)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 6, width: 120, height: 150), to: dir.url("a/inbox/drain.jpg"))
        let database = daemon.database
        try await eventually("the avatar to run") { try database.scalar("SELECT count(*) FROM stages WHERE status = 'running'") == 1 }
        daemon.shutdown()
        #expect(await notify.next(startingWith: "STOPPING=1") != nil)
        #expect(await notify.next(startingWith: "EXTEND_TIMEOUT_USEC=") == "EXTEND_TIMEOUT_USEC=15000000")
        try await running.stop()
        // The drain let the running stage finish rather than cancelling it.
        #expect(try database.scalar("SELECT count(*) FROM stages WHERE stage = 'avatar' AND status = 'done'") == 1)
    }
}
