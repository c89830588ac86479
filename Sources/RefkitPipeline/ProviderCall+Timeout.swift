import RefkitProviders
import Synchronization

extension ProviderCall {
    /// Runs `body`, failing with a retryable `provider_timeout` when it takes longer than
    /// `limit`, and with `cancelled` as soon as the caller is cancelled (a stop past
    /// `drain_timeout_s`). The body runs in a task of its own on `executor` and is never
    /// awaited past either: work that computes without suspending (the preview provider's
    /// libvips drawing) cannot see a cancellation, and a task group would wait for it, since a
    /// group always awaits its children. Such abandoned work ends on its own, bounded by the
    /// imaging limits; its result is dropped.
    static func withTimeout(
        _ limit: Duration, on executor: (any TaskExecutor)? = nil,
        _ body: @escaping @Sendable () async throws(ProviderError) -> GeneratedImage
    ) async throws(ProviderError) -> GeneratedImage {
        let race = FirstOutcome()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: FirstOutcome.Waiter) in
                race.await(continuation)
                let work = Task(executorPreference: executor) {
                    do throws(ProviderError) {
                        race.finish(.success(try await body()))
                    } catch {
                        race.finish(.failure(error))
                    }
                }
                // On the executor too: a starved cooperative pool must not delay the timeout.
                let timer = Task(executorPreference: executor) {
                    try? await Task.sleep(for: limit)
                    race.finish(
                        .failure(
                            ProviderError(
                                code: .timeout, message: "the provider did not answer in time", detail: "timeout_s \(limit)",
                                retryable: true)))
                }
                race.whenFinished {
                    work.cancel()
                    timer.cancel()
                }
            }
        } onCancel: {
            race.finish(.failure(ProviderError(code: .taskCancelled, message: "cancelled", retryable: true)))
        }
        return try outcome.get()
    }
}

/// The first of several outcomes, handed to one waiter once; the later ones are dropped.
private final class FirstOutcome: Sendable {
    typealias Outcome = Result<GeneratedImage, ProviderError>
    typealias Waiter = CheckedContinuation<Outcome, Never>
    typealias Cleanup = @Sendable () -> Void

    private struct State {
        var waiter: Waiter?
        var outcome: Outcome?
        var cleanup: Cleanup?
    }
    private let state = Mutex(State())

    func await(_ continuation: Waiter) {
        let early = state.withLock { s -> Outcome? in
            if s.outcome == nil { s.waiter = continuation }
            return s.outcome
        }
        if let early { continuation.resume(returning: early) }
    }

    func finish(_ outcome: Outcome) {
        let (waiter, cleanup) = state.withLock { s -> (Waiter?, Cleanup?) in
            guard s.outcome == nil else { return (nil, nil) }
            s.outcome = outcome
            let taken = (s.waiter, s.cleanup)
            s.waiter = nil
            s.cleanup = nil
            return taken
        }
        waiter?.resume(returning: outcome)
        cleanup?()
    }

    /// Runs `cleanup` once an outcome is in (at once when it already is).
    func whenFinished(_ cleanup: @escaping Cleanup) {
        let now = state.withLock { s -> Bool in
            if s.outcome != nil { return true }
            s.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }
}
