import Foundation
import RefkitDaemon
import RefkitProviders
import RefkitTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Computes (blocks its thread) until `release()` or 60 s, never suspending, deaf to cancellation.
final class BlockingProvider: ImageProvider, Sendable {
    let name = "blocker"
    private let gate = DispatchSemaphore(value: 0)
    private let calls = Mutex(0)

    var callCount: Int { calls.withLock { $0 } }

    func release() { gate.signal() }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        calls.withLock { $0 += 1 }
        _ = gate.wait(timeout: .now() + 60)
        throw ProviderError(code: .failed, message: "finished blocking", retryable: false)
    }
}

/// `timeout_s` and `drain_timeout_s` together: a stop does not wait for a provider that never suspends.
@Suite("Provider timeout and a stop", .timeLimit(.minutes(1)))
struct ProviderTimeoutStopTests {
    @Test("a stop does not wait for a computing provider beyond drain_timeout_s")
    func stopDoesNotWaitBeyondTheDrainTimeout() async throws {
        let dir = try TemporaryDirectory("drain-cpu")
        let inbox = try dir.folder("inbox")
        let provider = BlockingProvider()
        defer { provider.release() }
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [daemon]
            drain_timeout_s = 1
            [providers.blocker]
            kind = "preview"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 0
              [watch.default_order]
              stages = ["avatar"]
              provider = "blocker"
            """, in: dir)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["blocker": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 3), to: "\(inbox)/busy.jpg")
        try await eventually("the provider computing", timeout: .seconds(30)) { provider.callCount == 1 }
        let stopped = ContinuousClock.now
        try await running.stop()
        #expect(ContinuousClock.now - stopped < .seconds(30), "the stop took \(ContinuousClock.now - stopped) (drain_timeout_s = 1)")
    }
}
