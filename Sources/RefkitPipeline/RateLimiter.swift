/// Paces calls to one provider: evenly spaced at `requests_per_minute` (no bursts, so a
/// provider's sliding window never sees more than it allows); a 429 halves the pace and waits
/// out its Retry-After, each success wins back a twentieth of the configured pace.
actor RateLimiter {
    let configuredPerMinute: Double
    private(set) var perMinute: Double
    private var nextSlot: ContinuousClock.Instant = .now

    init(requestsPerMinute: Int) {
        configuredPerMinute = Double(max(1, requestsPerMinute))
        perMinute = configuredPerMinute
    }

    private var interval: Duration { .seconds(60 / perMinute) }

    /// Waits for this caller's slot.
    func acquire() async throws {
        let now = ContinuousClock.now
        let slot = max(now, nextSlot)
        nextSlot = slot + interval
        if slot > now { try await Task.sleep(until: slot, clock: .continuous) }
    }

    /// The provider said 429: slow down.
    func throttled(retryAfter: Duration?) {
        perMinute = max(configuredPerMinute / 16, perMinute / 2)
        let pause = ContinuousClock.now + (retryAfter ?? interval)
        nextSlot = max(nextSlot, pause)
    }

    func succeeded() {
        perMinute = min(configuredPerMinute, perMinute + configuredPerMinute / 20)
    }
}
