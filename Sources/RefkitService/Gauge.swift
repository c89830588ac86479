import Synchronization

/// A value that goes up and down (queue depth, kits in a state, lag), one series per set of
/// label values.
public final class Gauge: Sendable {
    /// The metric name, e.g. `refkit_queue_depth`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The label names, in rendering order.
    public let labelNames: [String]
    private let series: Mutex<[[String]: Double]>

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        series = Mutex(labelNames.isEmpty ? [[]: 0] : [:])
    }

    /// Sets the series for `labels` to `value`.
    public func set(_ value: Double, labels: [String: String] = [:]) {
        guard let key = values(of: labels) else { return }
        series.withLock { $0[key] = value }
    }

    /// Adds `amount` (which may be negative) to the series for `labels`.
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        guard let key = values(of: labels) else { return }
        series.withLock { $0[key, default: 0] += amount }
    }

    /// Subtracts `amount` from the series for `labels`.
    public func decrement(by amount: Double = 1, labels: [String: String] = [:]) {
        increment(by: -amount, labels: labels)
    }

    /// The current value for `labels` (0 when never set).
    public func value(labels: [String: String] = [:]) -> Double {
        guard let key = values(of: labels) else { return 0 }
        return series.withLock { $0[key] ?? 0 }
    }
}

extension Gauge: MetricFamily {
    var type: String { "gauge" }

    func renderSamples(into text: inout String) {
        let samples = series.withLock { $0.sorted { seriesOrder($0.key, $1.key) } }
        for (values, value) in samples {
            text += "\(name)\(PrometheusText.labelSet(labelNames, values)) \(PrometheusText.number(value))\n"
        }
    }
}
