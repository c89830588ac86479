/// Exponential backoff with full jitter; a server's Retry-After wins (DESIGN.md `[retry]`).
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(attempts: Int, baseDelay: Duration, maxDelay: Duration) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// What to do after attempt number `attempt` (1-based) failed.
    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case giveUp
    }

    /// `random` is a uniform number in 0..<1 (injected so the decision is testable).
    public func decide(afterAttempt attempt: Int, retryable: Bool, retryAfter: Duration?, random: Double) -> Decision {
        guard retryable, attempt < attempts else { return .giveUp }
        if let retryAfter { return .retry(after: min(retryAfter, maxDelay * 5)) }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        return .retry(after: ceiling * max(0, min(random, 1)))
    }
}
