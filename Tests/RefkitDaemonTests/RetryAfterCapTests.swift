import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("A provider's Retry-After is capped", .timeLimit(.minutes(2)))
struct RetryAfterCapTests {
    @Test func serverDelayIsCappedAtTheConfiguredMaximum() {
        let policy = RetryPolicy(attempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50), maxServerDelay: .seconds(300))
        #expect(policy.serverDelay(.seconds(315_360_000)) == (.seconds(300), true))
        #expect(policy.serverDelay(.seconds(20)) == (.seconds(20), false))
        #expect(
            policy.decide(afterAttempt: 1, retryable: true, retryAfter: .seconds(315_360_000), random: 0.5) == .retry(after: .seconds(300)))
    }

    /// A 429 saying "come back in ten years" pauses the provider for `max_retry_after_s` only,
    /// with a log line, and the pause shows in `refkit status` and the metrics; the kit completes.
    @Test func aTenYearRetryAfterPausesTheProviderForTheMaximumAndIsShown() async throws {
        let dir = try TemporaryDirectory("retry-after-cap")
        let inbox = try dir.folder("inbox")
        let secret = "sk-test-retry-after-cap-1234"
        try FileFixtures.write(secret + "\n", to: dir.url("key.txt"))
        let fake = try await FakeOpenAI.start(apiKey: secret)
        fake.enqueue(.rateLimited(retryAfter: "315360000"))
        let text = """
            state_dir = "state"
            [retry]
            attempts = 3
            base_delay_ms = 10
            max_delay_ms = 50
            max_retry_after_s = 3
            [providers.openai]
            base_url = "\(fake.baseURL)"
            api_key_file = "key.txt"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 30
              [watch.default_order]
              stages = ["avatar"]
              provider = "openai"
            """
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: log.logger)
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 5, width: 120, height: 160), to: "\(inbox)/pia.jpg")
        let database = daemon.database

        try await eventually("the provider to be paused", timeout: .seconds(20)) { try !database.pausedProviders().isEmpty }
        let pause = try #require(try database.pausedProviders().first)
        #expect(pause.provider == "openai" && pause.capped)
        #expect(pause.secondsLeft() <= 3.5, "paused for \(pause.secondsLeft()) s, more than max_retry_after_s")
        #expect(
            log.all.contains { $0.contains("longer pause than max_retry_after_s") && $0.contains("provider=openai") },
            "\(log.text.suffix(2000))")
        #expect(daemon.metrics.providerPaused.value(labels: ["provider": "openai"]) == 3)
        let status = try await refkitCLI(["status", "--json"], config: dir.url("refkit.toml"))
        #expect(status.status == 0)
        let json = try JSONValue.parse(Array(status.output.utf8))
        #expect(
            json["paused_providers"]
                == .array([.object([("provider", .string("openai")), ("until", .string(pause.until)), ("capped", .bool(true))])]))

        // The pause ends after the maximum, not after days: the kit is made.
        try await eventually("the kit to complete after the capped pause", timeout: .seconds(20)) {
            try database.kits(status: .complete).count == 1
        }
        try await running.stop()
        await fake.stop()
        #expect(fake.callCount == 2)
        #expect(try database.pausedProviders().isEmpty)
    }
}
