import Logging
import RefkitConfig
import RefkitCore
import RefkitProviders
import RefkitService
import RefkitStore
import RefkitSystem

/// One stage's call to its provider: a request slot (or, for a provider that gates its own
/// request, its place in the HTTP client's driver), the provider's pace, the timeout, and retries
/// by the retry policy, with what each attempt costs counted in the store.
struct ProviderCall: Sendable {
    let configuration: Configuration
    let database: RefkitDatabase
    let budgets: KitBudgets
    let metrics: RefkitMetrics?
    /// Where a call's work runs (see `withTimeout`).
    let executor: DispatchTaskExecutor

    /// The provider's image for `request`, after as many attempts as the retry policy allows.
    func make(
        _ provider: any ImageProvider, _ request: GenerationRequest, stageID: Int64, entry: ProviderRegistry.Entry, log: Logger
    ) async throws -> GeneratedImage {
        let config = entry.config
        let policy = RetryPolicy(
            attempts: configuration.retry.attempts, baseDelay: .milliseconds(configuration.retry.baseDelayMs),
            maxDelay: .milliseconds(configuration.retry.maxDelayMs), maxServerDelay: .seconds(configuration.retry.maxRetryAfterSeconds))
        var attempt = 1
        while true {
            // A single-exchange provider's request waits for its place in the HTTP client's driver
            // (so its body is built and its answer decoded outside the slot, and a finished
            // request's place goes to the next at once); others hold a slot per job.
            let gated = provider.gatesItsOwnRequest
            if !gated { try await entry.slots.acquire() }
            do {
                try await entry.limiter.acquire()
            } catch {
                if !gated { entry.slots.release() }
                throw error
            }
            let sent = ContinuousClock.now
            let timer = ExchangeTimer()
            // Gated: the time its exchanges ran, not the wait for a place before them.
            func duration() -> Duration { gated ? timer.total ?? ContinuousClock.now - sent : ContinuousClock.now - sent }
            do throws(ProviderError) {
                let transfers = entry.slots.transfers
                // A gated provider's exchange carries its own timeout (timeout_s, from when it is
                // sent), so waiting for a slot never counts as the provider being slow.
                let limit: Duration = gated ? .seconds(config.timeoutSeconds * 4 + 600) : .seconds(config.timeoutSeconds)
                let image = try await Self.withTimeout(limit, on: executor) { () async throws(ProviderError) -> GeneratedImage in
                    if gated {
                        let result = await RequestGating.$gate.withValue(transfers) { () async -> Result<GeneratedImage, ProviderError> in
                            await RequestGating.$timer.withValue(timer) { () async -> Result<GeneratedImage, ProviderError> in
                                do throws(ProviderError) {
                                    return .success(try await provider.generate(request))
                                } catch {
                                    return .failure(error)
                                }
                            }
                        }
                        return try result.get()
                    }
                    return try await provider.generate(request)
                }
                if !gated { entry.slots.release() }
                metrics?.providerRequestDuration.observe(duration(), labels: ["provider": provider.name])
                await entry.limiter.succeeded()
                return image
            } catch {
                if !gated { entry.slots.release() }
                metrics?.providerRequestDuration.observe(duration(), labels: ["provider": provider.name])
                if error.code == .rateLimited || error.retryAfter != nil {
                    await throttle(error, entry: entry, provider: provider.name, policy: policy, log: log)
                }
                let decision = policy.decide(
                    afterAttempt: attempt, retryable: error.retryable, retryAfter: error.retryAfter, random: Double.random(in: 0..<1))
                if error.code == .timeout {
                    // Maybe paid: counted; a retry reserves (and must fit) its own price.
                    var retrying = false
                    if case .retry = decision { retrying = true }
                    try budgets.keepTimedOutCall(stageID: stageID, kitID: request.kitID, price: config.pricePerImageUSD, retrying: retrying)
                }
                switch decision {
                case .giveUp:
                    throw error
                case .retry(let delay):
                    log.notice(
                        "retrying after a retryable provider error",
                        metadata: ["code": "\(error.code)", "attempt": "\(attempt)", "delay_ms": "\(Int(delay / .milliseconds(1)))"])
                    try? database.countRetry(id: stageID, code: error.code.rawValue, message: error.message)
                    metrics?.retries.increment(labels: ["provider": provider.name])
                    try await Task.sleep(for: delay)
                    attempt += 1
                }
            }
        }
    }
}
