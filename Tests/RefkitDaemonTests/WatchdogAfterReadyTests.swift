import Foundation
import RefkitConfig
import RefkitDaemon
import RefkitTestSupport
import Testing

/// The daemon's first watchdog ping follows its READY=1: systemd arms the watchdog when
/// start-up ends, and a ping before that vouches for a daemon that is not up yet.
@Suite("Watchdog after READY", .timeLimit(.minutes(1)))
struct WatchdogAfterReadyTests {
    @Test func noWatchdogPingBeforeReady() async throws {
        let dir = try TemporaryDirectory("watchdog-ready")
        let file = dir.url("refkit.toml")
        try FileFixtures.write("state_dir = \"state\"\n[providers.fake]\nkind = \"preview\"\n" + watchTable("a"), to: file)
        let notify = try NotifySocket(dir.url("notify.sock"))
        var environment = notify.environment
        environment["WATCHDOG_USEC"] = "200000"
        let daemon = try Daemon.build(configuration: try ConfigurationLoader.load(path: file), logger: quietLogger, environment: environment)
        let running = RunningDaemon(daemon)
        var beforeReady: [String] = []
        while let message = await notify.next(), !message.hasPrefix("READY=1") { beforeReady.append(message) }
        #expect(!beforeReady.contains { $0.hasPrefix("WATCHDOG=1") }, "sent before READY=1: \(beforeReady)")
        #expect(await notify.next(startingWith: "WATCHDOG=1") != nil, "pings begin after READY=1")
        try await running.stop()
    }
}
