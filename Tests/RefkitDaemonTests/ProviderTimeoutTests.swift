import Foundation
import RefkitProviders
import RefkitTestSupport
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
            _ = try await KitScheduler.withTimeout(.milliseconds(300), on: StageExecutor(), Self.blocking(6))
            Issue.record("no error")
        } catch {
            #expect(error.code == "provider_timeout")
        }
        #expect(ContinuousClock.now - started < .seconds(3), "returned after \(ContinuousClock.now - started)")
    }

    @Test("a cancelled stage returns at once while its provider still computes")
    func cancellationDoesNotWait() async throws {
        let started = ContinuousClock.now
        let stage = Task { () async -> Result<GeneratedImage, ProviderError> in
            do throws(ProviderError) {
                return .success(try await KitScheduler.withTimeout(.seconds(60), on: StageExecutor(), Self.blocking(6)))
            } catch {
                return .failure(error)
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        stage.cancel()
        let result = await stage.value
        #expect(ContinuousClock.now - started < .seconds(3), "returned after \(ContinuousClock.now - started)")
        guard case .failure(let error) = result else {
            Issue.record("no error")
            return
        }
        #expect(error.code == "cancelled")
    }
}
