import Prometheus

/// A value that goes up and down (queue depth, kits in a state, lag), one series per set of
/// label values. The series are swift-prometheus gauges in the registry's
/// `PrometheusCollectorRegistry`.
public final class GaugeFamily: MetricFamily {
    /// The metric name, e.g. `refkit_queue_depth`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The label names, in rendering order.
    public let labelNames: [String]
    let registry: PrometheusCollectorRegistry
    var type: String { "gauge" }

    init(name: String, help: String, labelNames: [String], registry: PrometheusCollectorRegistry) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.registry = registry
        if labelNames.isEmpty { _ = series([]) }
    }

    /// Sets the series for `labels` to `value`.
    public func set(_ value: Double, labels: [String: String] = [:]) {
        guard let key = values(of: labels) else { return }
        series(key).set(to: value)
    }

    /// Adds `amount` (which may be negative) to the series for `labels`.
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        guard let key = values(of: labels) else { return }
        series(key).increment(by: amount)
    }

    /// Subtracts `amount` from the series for `labels`.
    public func decrement(by amount: Double = 1, labels: [String: String] = [:]) {
        increment(by: -amount, labels: labels)
    }

    /// Makes the series for `labels` appear at 0 unless it already has a value.
    public func declare(labels: [String: String]) {
        guard let key = values(of: labels) else { return }
        _ = series(key)
    }

    /// The current value for `labels` (0 when never set).
    public func value(labels: [String: String] = [:]) -> Double {
        guard let key = values(of: labels) else { return 0 }
        return sample(name, labels: key)?.value ?? 0
    }

    /// The series for `values` (made at 0 on first use, the same one afterwards).
    private func series(_ values: [String]) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: descriptor, labels: pairs(values))
    }
}
