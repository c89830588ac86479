import Foundation
import Logging
import RefkitCore
import RefkitProviders

extension ProviderCall {
    /// A provider answered 429 or with a `Retry-After`: its pace slows and it pauses for what the
    /// server asked, capped at `[retry] max_retry_after_s` (logged when capped). A pause is recorded
    /// in the store (for `refkit status`) and in `refkit_provider_paused_seconds`.
    func throttle(
        _ error: ProviderError, entry: ProviderRegistry.Entry, provider: String, policy: RetryPolicy, log: Logger
    ) async {
        metrics?.rateLimited.increment(labels: ["provider": provider])
        guard let asked = error.retryAfter else {
            await entry.limiter.throttled(retryAfter: nil)
            return
        }
        let (pause, capped) = policy.serverDelay(asked)
        if capped {
            log.warning(
                "the provider asked for a longer pause than max_retry_after_s; pausing it for the maximum",
                metadata: ["code": "\(error.code)", "asked_s": "\(Self.seconds(asked))", "max_retry_after_s": "\(Self.seconds(pause))"])
        }
        await entry.limiter.throttled(retryAfter: pause)
        guard pause >= .seconds(1) else { return }
        if !capped {
            log.notice("the provider asked for a pause", metadata: ["code": "\(error.code)", "pause_s": "\(Self.seconds(pause))"])
        }
        metrics?.providerPaused.set(Self.seconds(pause), labels: ["provider": provider])
        let until = Date().addingTimeInterval(Self.seconds(pause))
        try? database.recordProviderPause(provider: provider, until: until, capped: capped, asked: "\(Self.seconds(asked)) s")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
