/// Exponential backoff with full jitter; a server's Retry-After wins, up to `maxServerDelay`
/// (DESIGN.md `[retry]`).
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest a server's `Retry-After` is obeyed (`[retry] max_retry_after_s`): a server
    /// asking for days (or years) must not freeze a provider for every kit.
    public var maxServerDelay: Duration

    public init(attempts: Int, baseDelay: Duration, maxDelay: Duration, maxServerDelay: Duration = .seconds(300)) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxServerDelay = maxServerDelay
    }

    /// The pause a server's `Retry-After` buys: what it asked, at most `maxServerDelay`;
    /// `capped` says the server asked for more (worth a log line).
    public func serverDelay(_ requested: Duration) -> (delay: Duration, capped: Bool) {
        requested > maxServerDelay ? (maxServerDelay, true) : (max(requested, .zero), false)
    }

    /// What to do after attempt number `attempt` (1-based) failed.
    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case giveUp
    }

    /// `random` is a uniform number in 0..<1 (injected so the decision is testable).
    public func decide(afterAttempt attempt: Int, retryable: Bool, retryAfter: Duration?, random: Double) -> Decision {
        guard retryable, attempt < attempts else { return .giveUp }
        if let retryAfter { return .retry(after: serverDelay(retryAfter).delay) }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        return .retry(after: ceiling * max(0, min(random, 1)))
    }
}
