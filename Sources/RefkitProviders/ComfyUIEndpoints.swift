/// The ComfyUI servers one provider spreads its jobs over, and which of them to use next.
///
/// Each job goes to the least-busy healthy server (fewest jobs in flight; ties go to the one
/// listed first). A server that could not be connected to is marked unhealthy and left alone
/// for a back-off that doubles after every failed health check (up to `maxBackoff`); once the
/// back-off has passed, the next job to ask is told to probe it (`GET /system_stats`) before
/// a server is chosen. When every server is unhealthy and none is due, the job is refused with
/// the time until the next check.
///
/// The actor only keeps the books; HTTP happens in the provider, which reports back.
public actor ComfyUIEndpoints {
    /// What a job should do next.
    public enum Decision: Sendable, Equatable {
        /// Run on the server at this index (its in-flight count already includes the job).
        case use(Int)
        /// Probe these servers (already marked as being probed), report, then ask again.
        case probe([Int])
        /// No server can take the job; the earliest one is checked again after this.
        case unavailable(retryAfter: Duration)
    }

    struct Server {
        let baseURL: String
        var inFlight = 0
        var healthy = true
        var probing = false
        var failures = 0
        var nextCheck: ContinuousClock.Instant = .now
    }

    public nonisolated let baseURLs: [String]
    private var servers: [Server]
    private let backoff: Duration
    private let maxBackoff: Duration

    /// - Parameters:
    ///   - backoff: how long an unreachable server is left alone before its first re-check.
    ///   - maxBackoff: the longest pause between re-checks of a server that stays down.
    public init(baseURLs: [String], backoff: Duration = .seconds(2), maxBackoff: Duration = .seconds(60)) {
        self.baseURLs = baseURLs
        self.servers = baseURLs.map { Server(baseURL: $0) }
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }

    /// Where the next job goes. A `.use` must be paired with `release`, a `.probe` with
    /// `reportProbe` for every index it names.
    public func next(now: ContinuousClock.Instant = .now) -> Decision {
        let due = servers.indices.filter { !servers[$0].healthy && !servers[$0].probing && servers[$0].nextCheck <= now }
        if !due.isEmpty {
            for index in due { servers[index].probing = true }
            return .probe(due)
        }
        let candidates = servers.indices.filter { servers[$0].healthy }
        if let best = candidates.min(by: { servers[$0].inFlight < servers[$1].inFlight }) {
            servers[best].inFlight += 1
            return .use(best)
        }
        // Every server is down: wait for the earliest re-check (one being probed counts as soon).
        let earliest = servers.map { $0.probing ? now : $0.nextCheck }.min() ?? now
        let wait = earliest > now ? earliest - now : .milliseconds(100)
        return .unavailable(retryAfter: max(wait, .milliseconds(100)))
    }

    /// A job on this server has finished (successfully or not).
    public func release(_ index: Int) {
        servers[index].inFlight = max(0, servers[index].inFlight - 1)
    }

    /// The server could not be connected to: stop sending it jobs until it answers a probe.
    public func markUnreachable(_ index: Int, now: ContinuousClock.Instant = .now) {
        guard servers[index].healthy else { return }
        servers[index].healthy = false
        servers[index].failures = 1
        servers[index].nextCheck = now + backoff
    }

    /// The outcome of a health probe asked for by `.probe`.
    public func reportProbe(_ index: Int, healthy: Bool, now: ContinuousClock.Instant = .now) {
        servers[index].probing = false
        if healthy {
            servers[index].healthy = true
            servers[index].failures = 0
        } else {
            servers[index].healthy = false
            servers[index].failures += 1
            servers[index].nextCheck = now + delay(afterFailures: servers[index].failures)
        }
    }

    /// Jobs in flight per server, in configuration order (for status and tests).
    public func inFlight() -> [Int] { servers.map(\.inFlight) }

    /// Whether each server is currently considered healthy, in configuration order.
    public func health() -> [Bool] { servers.map(\.healthy) }

    private func delay(afterFailures failures: Int) -> Duration {
        var delay = backoff
        for _ in 1..<max(1, failures) {
            delay = delay * 2
            if delay >= maxBackoff { return maxBackoff }
        }
        return min(delay, maxBackoff)
    }
}
