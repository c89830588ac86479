import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What the log says: each line once and in one shape, naming the kit and the provider that
/// really made the image, commands that paste, counts of kits rather than events.
@Suite("Log lines", .timeLimit(.minutes(2)))
struct LogLinesTests {
    /// The real binary: start-up lines once each; libvips' warnings about a damaged file go
    /// through the logger (debug), never as raw `VIPS-WARNING` lines.
    @Test func startUpLinesOnceAndLibvipsWarningsThroughTheLogger() async throws {
        let dir = try TemporaryDirectory("log-lines")
        let inbox = try dir.folder("inbox")
        let config = dir.url("refkit.toml")
        try FileFixtures.write(
            "state_dir = \"state\"\n[[watch]]\nname = \"w\"\ninbox = \"inbox\"\noutbox = \"outbox\"\nsettle_ms = 30\n"
                + "  [watch.default_order]\n  stages = [\"avatar\"]\n  provider = \"preview\"\n", to: config)
        let jpeg = try ImageFixtures.jpeg(seed: 3, width: 400, height: 300)
        try FileFixtures.write(ImageFixtures.truncated(jpeg), to: "\(inbox)/damaged.jpg")
        let run = try RefkitProcess(["run", "--config", config, "--log-level", "debug"], log: dir.url("run.log"))
        let log = { (try? String(contentsOfFile: dir.url("run.log"), encoding: .utf8)) ?? "" }
        try await eventually("the damaged file to be rejected", timeout: .seconds(30)) { log().contains("rejected an inbox file") }
        run.kill(SIGTERM)
        #expect(try await run.waitForExit() == 0)
        let lines = log().split(separator: "\n")
        #expect(lines.filter { $0.contains("watch mode chosen") }.count == 1, "\(log())")
        #expect(lines.filter { $0.contains("rescanned") }.count == 1, "\(log())")
        #expect(!log().contains("VIPS-WARNING"), "\(log())")
        #expect(lines.contains { $0.hasPrefix("<7>libvips warning") }, "\(log())")
    }

    static let fallbackConfig = """
        state_dir = "state"
        [providers.a]
        kind = "preview"
        [providers.b]
        kind = "preview"
        [[watch]]
        name = "w"
        inbox = "inbox"
        outbox = "outbox"
        settle_ms = 30
        sidecar_wait_ms = 30
          [watch.default_order]
          stages = ["avatar"]
          provider = "a"
          fallback_provider = "b"
        """

    /// `stage done` names the kit; after a fallback every later line names the fallback.
    @Test func stageLinesNameTheKitAndTheProviderThatMadeTheImage() async throws {
        let dir = try TemporaryDirectory("log-fallback")
        let inbox = try dir.folder("inbox")
        let primary = SeededProvider()
        primary.fail(["avatar"])
        let log = CapturedLog()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(Self.fallbackConfig, in: dir), logger: log.logger,
            providers: ["a": primary, "b": SeededProvider()])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 4, width: 96, height: 128), to: "\(inbox)/mira.jpg")
        try await eventually("mira is complete") { try daemon.database.kit("mira")?.status == .complete }
        try await running.stop()
        let done = log.all.filter { $0.contains(" stage done ") }
        #expect(done.count == 1, "\(done)")
        #expect(done.first?.contains("kit=mira") == true, "\(done)")
        #expect(done.first?.contains("provider=b") == true && done.first?.contains("fallback_for=a") == true, "\(done)")
    }

    /// A kit called "pick me": the hint in the log and in `refkit show` pastes into a shell;
    /// `kit finished` counts references, not avatar candidates.
    @Test func selectHintIsShellQuotedAndReferencesLeaveOutCandidates() async throws {
        let dir = try TemporaryDirectory("log-pick-me")
        let inbox = try dir.folder("inbox")
        // A later stage too: it is what wakes the scheduler after the choice (a kit with nothing
        // left to make after `select` waits for the next disk_full_retry_s round to be published).
        let text = lifecycleConfig(#"stages = ["avatar", "side"]"# + "\n  candidates = 2\n  selection = \"manual\"")
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let log = CapturedLog()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: log.logger, providers: ["fake": SeededProvider()])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 5, width: 96, height: 128), to: "\(inbox)/pick me.jpg")
        try await eventually("the kit awaits a choice") { try daemon.database.kit("pick me")?.status == .awaitingSelection }
        try await eventually("the hint is logged") { log.text.contains("kit awaits an avatar choice") }
        #expect(log.text.contains("how=refkit select 'pick me' N"), "\(log.text)")
        let show = try await refkitCLI(["show", "pick me"], config: dir.url("refkit.toml"))
        #expect(show.output.contains("refkit select 'pick me' N"), "\(show.output)")
        let chosen = try await refkitCLI(["select", "pick me", "2"], config: dir.url("refkit.toml"))
        #expect(chosen.status == 0, "\(chosen.output)")
        try await eventually("the kit is complete") { try daemon.database.kit("pick me")?.status == .complete }
        try await running.stop()
        let finished = log.all.filter { $0.contains(" kit finished ") }
        #expect(finished.count == 1 && finished[0].contains("references=2/2"), "\(finished)")
    }

    /// A kit that ends partial, is retried and ends complete is one complete kit in the summary.
    @Test func theBatchSummaryCountsKitsNotFinishEvents() async throws {
        let dir = try TemporaryDirectory("log-summary")
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig(#"stages = ["avatar", "side"]"#)
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = SeededProvider()
        provider.fail(["side"])
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 6, width: 96, height: 128), to: "\(inbox)/twice.jpg")
        try await eventually("the kit ends partial") { try daemon.database.kit("twice")?.status == .partial }
        provider.fail([])
        let retried = try await refkitCLI(["retry", "twice"], config: dir.url("refkit.toml"))
        #expect(retried.status == 0, "\(retried.output)")
        try await eventually("the kit ends complete") { try daemon.database.kit("twice")?.status == .complete }
        let summary = try await running.stop()
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        #expect(summary.kits[.partial] == nil, "\(summary.kits)")
    }
}
