import Foundation
import RefkitProviders
import RefkitSystem
import Synchronization
import Testing

@testable import RefkitPipeline

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
            throw ProviderError(code: .failed, message: "finished blocking", retryable: false)
        }
    }

    @Test("a CPU-bound provider is timed out at timeout_s, not when it finishes")
    func cpuBoundWorkIsTimedOut() async throws {
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }
        let started = ContinuousClock.now
        do {
            _ = try await ProviderCall.withTimeout(
                .milliseconds(300), on: DispatchTaskExecutor(label: "refkit.test.stages"), Self.blocking(until: gate))
            Issue.record("no error")
        } catch {
            #expect(error.code.rawValue == "provider_timeout")
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
                return .success(
                    try await ProviderCall.withTimeout(
                        .seconds(60), on: DispatchTaskExecutor(label: "refkit.test.stages"), Self.blocking(until: gate)))
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
        #expect(error.code.rawValue == "cancelled")
    }
}
