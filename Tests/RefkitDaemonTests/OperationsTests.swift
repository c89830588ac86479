import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Periodic summaries and inbox lag", .timeLimit(.minutes(1)))
struct OperationsTests {
    @Test func runLogsABatchSummaryEachPeriodAndMeasuresInboxLag() async throws {
        let dir = try TemporaryDirectory("summary")
        try dir.folder("inbox")
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [daemon]
            summary_interval_s = 1
            [providers.fake]
            kind = "preview"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 30
              [watch.default_order]
              stages = ["avatar", "front"]
              provider = "fake"
            """, in: dir)
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger, providers: ["fake": try CountingProvider()])
        let running = RunningDaemon(daemon)
        // A file last written two minutes ago, moved in now: it waited (somewhere) that long.
        let staged = dir.url("old.jpg")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 21, width: 120, height: 150), to: staged)
        var times = [timeval(tv_sec: time(nil) - 120, tv_usec: 0), timeval(tv_sec: time(nil) - 120, tv_usec: 0)]
        #expect(utimes(staged, &times) == 0)
        try FileFixtures.rename(staged, to: dir.url("inbox/old.jpg"))
        try await eventually("the kit") { try daemon.database.kit("old")?.status == .complete }
        let lag = daemon.metrics.inboxLag.value(labels: ["watch": "w"])
        #expect(lag >= 120 && lag < 180, "inbox lag \(lag)")
        try await eventually(
            "a periodic summary that counts the kit",
            state: { log.text.split(separator: "\n").filter { $0.contains("batch summary") }.joined(separator: "\n") }
        ) {
            log.text.split(separator: "\n").contains {
                $0.contains("notice batch summary") && $0.contains(" period_s=") && has($0, "complete=1")
            }
        }
        let line = try #require(log.text.split(separator: "\n").first { has($0, "complete=1") && $0.contains(" period_s=") })
        #expect(has(line, "total=1") && has(line, "failed=0"))
        try await running.stop()
        // Over the whole run: both references, two cents.
        let lines = log.text.split(separator: "\n").filter { $0.contains(" period_s=") }
        #expect(lines.contains { has($0, "spend_usd=0.0200") } || lines.contains { has($0, "spend_usd=0.0100") })
    }
}

/// Whether a captured log line carries `token` (`key=value`) as one of its words.
private func has(_ line: Substring, _ token: String) -> Bool {
    line.split(separator: " ").contains { $0 == token }
}
