import Prometheus

/// A value that only goes up (events, seconds, dollars), one series per set of label values.
public typealias CounterFamily = MetricFamily<Prometheus.Counter>

extension MetricFamily where Series == Prometheus.Counter {
    /// Adds `amount` (negative, NaN or infinite amounts are ignored: a counter never goes down,
    /// and swift-prometheus traps on a negative amount).
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        guard amount >= 0, amount.isFinite else { return }
        series(labels)?.increment(by: amount)
    }

    /// The current value for `labels` (0 when never incremented).
    public func value(labels: [String: String] = [:]) -> Double {
        sample(labels: labels) ?? 0
    }
}
