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
    /// Blocks its thread for `seconds`, deaf to cancellation, as a libvips pipeline does (on the
    /// stage executor, as stages run, so the blocked thread is not one of Swift's few).
    static func blocking(_ seconds: UInt32) -> @Sendable () async throws(ProviderError) -> GeneratedImage {
        { () async throws(ProviderError) -> GeneratedImage in
            sleep(seconds)
            throw ProviderError(code: "provider_failed", message: "finished blocking", retryable: false)
        }
    }

    @Test("a CPU-bound provider is timed out at timeout_s, not when it finishes")
    func cpuBoundWorkIsTimedOut() async throws {
        let started = ContinuousClock.now
        do {
            _ = try await KitScheduler.withTimeout(.milliseconds(300), on: StageExecutor(), Self.blocking(30))
            Issue.record("no error")
        } catch {
            #expect(error.code == "provider_timeout")
        }
        #expect(ContinuousClock.now - started < .seconds(15), "returned after \(ContinuousClock.now - started)")
    }

    @Test("a cancelled stage returns at once while its provider still computes")
    func cancellationDoesNotWait() async throws {
        let started = ContinuousClock.now
        let stage = Task { () async -> Result<GeneratedImage, ProviderError> in
            do throws(ProviderError) {
                return .success(try await KitScheduler.withTimeout(.seconds(60), on: StageExecutor(), Self.blocking(30)))
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

/// Computes for `seconds` without ever suspending, deaf to cancellation.
final class BlockingProvider: ImageProvider, Sendable {
    let name = "blocker"
    let seconds: UInt32
    private let calls = Mutex(0)

    init(seconds: UInt32) { self.seconds = seconds }

    var callCount: Int { calls.withLock { $0 } }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        calls.withLock { $0 += 1 }
        sleep(seconds)
        throw ProviderError(code: "provider_failed", message: "finished blocking", retryable: false)
    }
}

extension ProviderTimeoutTests {
    @Test("a stop does not wait for a computing provider beyond drain_timeout_s")
    func stopDoesNotWaitBeyondTheDrainTimeout() async throws {
        let dir = try TemporaryDirectory("drain-cpu")
        let inbox = try dir.folder("inbox")
        let provider = BlockingProvider(seconds: 60)
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
