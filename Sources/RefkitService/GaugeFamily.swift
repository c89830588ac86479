import Prometheus

/// A value that goes up and down (queue depth, kits in a state, lag), one series per set of
/// label values.
public typealias GaugeFamily = MetricFamily<Prometheus.Gauge>

extension MetricFamily where Series == Prometheus.Gauge {
    /// Sets the series for `labels` to `value`.
    public func set(_ value: Double, labels: [String: String] = [:]) {
        series(labels)?.set(to: value)
    }

    /// Adds `amount` (which may be negative) to the series for `labels`.
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        series(labels)?.increment(by: amount)
    }

    /// Subtracts `amount` from the series for `labels`.
    public func decrement(by amount: Double = 1, labels: [String: String] = [:]) {
        increment(by: -amount, labels: labels)
    }

    /// The current value for `labels` (0 when never set).
    public func value(labels: [String: String] = [:]) -> Double {
        sample(labels: labels) ?? 0
    }
}
