/// The metrics refkit exports, registered in one registry; `Documentation/Metrics.md` says what
/// each one means. The daemon feeds them; the textfile writer and the HTTP server render them.
public struct RefkitMetrics: Sendable {
    /// The registry the families live in (render it, or write it to a textfile).
    public let registry: MetricsRegistry

    /// `refkit_kits{state}`: kits in each life-cycle state now.
    public let kits: GaugeFamily
    /// `refkit_stages_total{result}`: stages finished, by result.
    public let stages: CounterFamily
    /// `refkit_provider_request_duration_seconds{provider}`: one provider request, send to answer.
    public let providerRequestDuration: HistogramFamily
    /// `refkit_retries_total{provider}`: provider requests retried after a retryable error.
    public let retries: CounterFamily
    /// `refkit_rate_limited_total{provider}`: provider answers that said 429 Too Many Requests.
    public let rateLimited: CounterFamily
    /// `refkit_provider_paused_seconds{provider}`: seconds left of the pause a provider asked for
    /// (`Retry-After`, capped at `max_retry_after_s`); 0 when it is not paused.
    public let providerPaused: GaugeFamily
    /// `refkit_spend_usd_total{watch}`: money spent on provider calls, in US dollars.
    public let spend: CounterFamily
    /// `refkit_queue_depth`: stages waiting to run.
    public let queueDepth: GaugeFamily
    /// `refkit_inbox_lag_seconds{watch}`: how long the last taken file waited in the inbox.
    public let inboxLag: GaugeFamily
    /// `refkit_intake_total{outcome}`: inbox files taken in, by outcome.
    public let intake: CounterFamily
    /// `refkit_qa_checks_total{check,verdict}`: QA checks of kept references, by check and verdict.
    public let qaChecks: CounterFamily
    /// `refkit_qa_regenerations_total{stage}`: references made again because QA failed them.
    public let qaRegenerations: CounterFamily
    /// `refkit_hook_deliveries_total{hook,outcome}`: `[[hook]]` delivery attempts, by hook and
    /// outcome (`delivered`, `retry`, `failed`).
    public let hookDeliveries: CounterFamily
    /// `refkit_kits_expired_total{watch}`: finished kits removed by `outbox_retention_days`.
    public let kitsExpired: CounterFamily

    /// The kit states, exported even when no kit is in them (so a state that empties reads 0
    /// rather than keeping its last value).
    public static let kitStates = ["queued", "analyzing", "generating", "awaiting_selection", "complete", "partial", "failed"]
    /// The results of `refkit_stages_total`.
    public static let stageResults = ["done", "failed", "skipped"]
    /// The outcomes of `refkit_intake_total`.
    public static let intakeOutcomes = ["accepted", "rejected", "duplicate"]
    /// Buckets of `refkit_provider_request_duration_seconds`: image generation takes seconds to
    /// minutes, so the buckets reach up to the longest provider timeout.
    public static let providerDurationBuckets: [Double] = [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300]

    /// Registers every family in `registry` (a fresh one by default).
    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        kits = registry.gauge("refkit_kits", help: "Kits in each life-cycle state.", labels: ["state"])
        stages = registry.counter("refkit_stages_total", help: "Stages finished, by result.", labels: ["result"])
        providerRequestDuration = registry.histogram(
            "refkit_provider_request_duration_seconds", help: "Duration of one provider request, from sending to the full answer.",
            labels: ["provider"], buckets: Self.providerDurationBuckets)
        retries = registry.counter("refkit_retries_total", help: "Provider requests retried after a retryable error.", labels: ["provider"])
        rateLimited = registry.counter(
            "refkit_rate_limited_total", help: "Provider answers that were 429 Too Many Requests.", labels: ["provider"])
        providerPaused = registry.gauge(
            "refkit_provider_paused_seconds", help: "Seconds left of a provider's pause after a Retry-After (0: not paused).",
            labels: ["provider"])
        spend = registry.counter("refkit_spend_usd_total", help: "Money spent on provider calls, in US dollars.", labels: ["watch"])
        queueDepth = registry.gauge("refkit_queue_depth", help: "Stages waiting to run.")
        inboxLag = registry.gauge(
            "refkit_inbox_lag_seconds", help: "Seconds between the last taken file's last change and its intake.", labels: ["watch"])
        intake = registry.counter("refkit_intake_total", help: "Inbox files taken in, by outcome.", labels: ["outcome"])
        qaChecks = registry.counter(
            "refkit_qa_checks_total", help: "QA checks of kept references, by check and verdict.", labels: ["check", "verdict"])
        qaRegenerations = registry.counter(
            "refkit_qa_regenerations_total", help: "References made again because QA failed them, by stage kind.", labels: ["stage"])
        hookDeliveries = registry.counter(
            "refkit_hook_deliveries_total", help: "Hook delivery attempts, by hook and outcome.", labels: ["hook", "outcome"])
        kitsExpired = registry.counter(
            "refkit_kits_expired_total", help: "Finished kits removed by the watch's outbox_retention_days.", labels: ["watch"])
        for state in Self.kitStates { kits.set(0, labels: ["state": state]) }
        for result in Self.stageResults { stages.declare(labels: ["result": result]) }
        for outcome in Self.intakeOutcomes { intake.declare(labels: ["outcome": outcome]) }
    }

    /// Makes a provider's series appear at zero (call for each configured provider, at start
    /// and after a reload), so rates and `absent()` alerts work before its first request.
    public func declare(provider: String) {
        providerRequestDuration.declare(labels: ["provider": provider])
        retries.declare(labels: ["provider": provider])
        rateLimited.declare(labels: ["provider": provider])
        providerPaused.declare(labels: ["provider": provider])
    }

    /// Makes QA's series appear at zero for every check and verdict (their names are RefkitCore's
    /// `QACheckID` and `QAVerdict`, which this module does not import).
    public func declareQA(checks: [String], verdicts: [String]) {
        for check in checks {
            for verdict in verdicts { qaChecks.declare(labels: ["check": check, "verdict": verdict]) }
        }
    }

    /// Makes a watch's series appear at zero (call for each configured watch).
    public func declare(watch: String) {
        spend.declare(labels: ["watch": watch])
        inboxLag.declare(labels: ["watch": watch])
        kitsExpired.declare(labels: ["watch": watch])
    }

    /// Sets `refkit_kits` from counts by state name (`RefkitDatabase.statusSummary().kitsByStatus`);
    /// known states missing from `counts` are set to 0.
    public func setKits(_ counts: [String: Int]) {
        for state in Set(Self.kitStates).union(counts.keys) {
            kits.set(Double(counts[state] ?? 0), labels: ["state": state])
        }
    }
}
