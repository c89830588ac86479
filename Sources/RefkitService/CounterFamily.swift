import Prometheus

/// A value that only goes up (events, seconds, dollars), one series per set of label values.
/// The series are swift-prometheus counters in the registry's `PrometheusCollectorRegistry`.
public final class CounterFamily: MetricFamily {
    /// The metric name, e.g. `refkit_retries_total`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The label names, in rendering order.
    public let labelNames: [String]
    let registry: PrometheusCollectorRegistry
    var type: String { "counter" }

    init(name: String, help: String, labelNames: [String], registry: PrometheusCollectorRegistry) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.registry = registry
        // An unlabelled counter exists (at 0) from registration on.
        if labelNames.isEmpty { _ = series([]) }
    }

    /// Adds `amount` (negative, NaN or infinite amounts are ignored: a counter never goes down,
    /// and swift-prometheus traps on a negative amount).
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        guard amount >= 0, amount.isFinite, let key = values(of: labels) else { return }
        series(key).increment(by: amount)
    }

    /// Makes the series for `labels` appear at 0 before its first event, so rates start right.
    public func declare(labels: [String: String]) {
        guard let key = values(of: labels) else { return }
        _ = series(key)
    }

    /// The current value for `labels` (0 when never incremented).
    public func value(labels: [String: String] = [:]) -> Double {
        guard let key = values(of: labels) else { return 0 }
        return sample(name, labels: key)?.value ?? 0
    }

    /// The series for `values` (made at 0 on first use, the same one afterwards).
    private func series(_ values: [String]) -> Prometheus.Counter {
        registry.makeCounter(descriptor: descriptor, labels: pairs(values))
    }
}
