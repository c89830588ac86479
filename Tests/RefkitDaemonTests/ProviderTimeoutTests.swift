import Foundation
import RefkitProviders
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitDaemon

#if canImport(Glibc)
import Glibc
#endif

/// `timeout_s` bounds a provider that computes without ever suspending, and a cancelled stage
/// (a stop past `drain_timeout_s`) does not wait for it.
@Suite("Provider timeout", .timeLimit(.minutes(1)))
struct ProviderTimeoutTests {
    /// Blocks its thread until `gate` opens (at most 30 s), deaf to cancellation, as a libvips
    /// pipeline computes (on the stage executor, as stages run). The test opens the gate once
    /// it has its answer, so no thread stays blocked after it.
    static func blocking(until gate: DispatchSemaphore) -> @Sendable () async throws(ProviderError) -> GeneratedImage {
        { () async throws(ProviderError) -> GeneratedImage in
            _ = gate.wait(timeout: .now() + 30)
            throw ProviderError(code: "provider_failed", message: "finished blocking", retryable: false)
        }
    }

    @Test("a CPU-bound provider is timed out at timeout_s, not when it finishes")
    func cpuBoundWorkIsTimedOut() async throws {
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }
        let started = ContinuousClock.now
        do {
            _ = try await KitScheduler.withTimeout(.milliseconds(300), on: StageExecutor(), Self.blocking(until: gate))
            Issue.record("no error")
        } catch {
            #expect(error.code == "provider_timeout")
        }
        #expect(ContinuousClock.now - started < .seconds(15), "returned after \(ContinuousClock.now - started)")
    }

    @Test("a cancelled stage returns at once while its provider still computes")
    func cancellationDoesNotWait() async throws {
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }
        let started = ContinuousClock.now
        let stage = Task { () async -> Result<GeneratedImage, ProviderError> in
            do throws(ProviderError) {
                return .success(try await KitScheduler.withTimeout(.seconds(60), on: StageExecutor(), Self.blocking(until: gate)))
            } catch {
                return .failure(error)
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        stage.cancel()
        let result = await stage.value
        #expect(ContinuousClock.now - started < .seconds(15), "returned after \(ContinuousClock.now - started)")
        guard case .failure(let error) = result else {
            Issue.record("no error")
            return
        }
        #expect(error.code == "cancelled")
    }
}

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
        throw ProviderError(code: "provider_failed", message: "finished blocking", retryable: false)
    }
}

extension ProviderTimeoutTests {
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
