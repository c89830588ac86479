import Foundation
import RefkitCore
import RefkitStore

/// What one attempt of a delivery came to, before the backoff decides what follows.
public enum HookAttempt: Sendable, Equatable {
    case succeeded
    /// `retryAfter`: the receiver's `Retry-After` on a 429 or 503.
    case failed(error: String, retryAfter: Duration? = nil)

    /// A receiver's answer: any 2xx delivers; every other status is tried again (a receiver that
    /// answers 404 or 401 is usually being set up, and is fixed while its deliveries wait).
    public init(status: Int, retryAfter: Duration?, body: [UInt8]) {
        if (200..<300).contains(status) {
            self = .succeeded
            return
        }
        // The start of the receiver's body says why, in the log and the store (bounded: it is the receiver's text).
        let text = String(decoding: body.prefix(200), as: UTF8.self).filter { !$0.isNewline }
        self = .failed(
            error: "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)"),
            retryAfter: status == 429 || status == 503 ? retryAfter : nil)
    }
}

/// When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, then every hour, each
/// spread by ±20 % so deliveries that failed together do not all come back at once. A
/// receiver's `Retry-After` is obeyed as asked, up to `maxServerDelay`, without jitter.
///
/// Not `RetryPolicy` (the provider calls' full-jitter exponential): a delivery is durable and may
/// wait out a receiver's hour-long outage across restarts, where a provider call waits seconds.
public struct HookBackoff: Sendable, Equatable {
    public static let standard = HookBackoff(
        steps: [.seconds(5), .seconds(30), .seconds(120), .seconds(600), .seconds(3600)], jitter: 0.2, maxServerDelay: .seconds(3600))

    /// The wait after attempt n is `steps[n - 1]`, the last step once they run out.
    public var steps: [Duration]
    /// The share each wait is spread by, either way.
    public var jitter: Double
    public var maxServerDelay: Duration

    public init(steps: [Duration], jitter: Double, maxServerDelay: Duration) {
        precondition(!steps.isEmpty, "a backoff needs at least one step")
        self.steps = steps
        self.jitter = jitter
        self.maxServerDelay = maxServerDelay
    }

    /// The wait after attempt number `attempt` (1-based) failed; `random` is uniform in 0..<1.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let base = steps[min(max(attempt, 1), steps.count) - 1]
        let factor = 1 + jitter * (2 * max(0, min(random, 1)) - 1)
        return base * factor
    }

    /// What the store records after attempt number `attempts` ended with `attempt`: delivered, due
    /// again later, or given up once `maxAttempts` are spent.
    public func settle(_ attempt: HookAttempt, attempts: Int, maxAttempts: Int, now: Date, random: Double) -> HookAttemptRecord {
        switch attempt {
        case .succeeded:
            return .delivered
        case .failed(let error, _) where attempts >= maxAttempts:
            return .failed(error: "\(error) (gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"))")
        case .failed(let error, let retryAfter):
            let wait = retryAfter.map { min(max($0, .zero), maxServerDelay) } ?? delay(afterAttempt: attempts, random: random)
            return .retry(at: now.addingTimeInterval(Double(wait.wholeMilliseconds) / 1000), error: error)
        }
    }
}
