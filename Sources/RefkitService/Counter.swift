import Synchronization

/// A value that only goes up (events, seconds, dollars), one series per set of label values.
public final class Counter: Sendable {
    /// The metric name, e.g. `refkit_retries_total`.
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
        // An unlabelled counter exists (at 0) from registration on.
        series = Mutex(labelNames.isEmpty ? [[]: 0] : [:])
    }

    /// Adds `amount` (negative, NaN or infinite amounts are ignored: a counter never goes down).
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        guard amount >= 0, amount.isFinite, let key = values(of: labels) else { return }
        series.withLock { $0[key, default: 0] += amount }
    }

    /// Makes the series for `labels` appear at 0 before its first event, so rates start right.
    public func declare(labels: [String: String]) {
        guard let key = values(of: labels) else { return }
        series.withLock { if $0[key] == nil { $0[key] = 0 } }
    }

    /// The current value for `labels` (0 when never incremented).
    public func value(labels: [String: String] = [:]) -> Double {
        guard let key = values(of: labels) else { return 0 }
        return series.withLock { $0[key] ?? 0 }
    }
}

extension Counter: MetricFamily {
    var type: String { "counter" }

    func renderSamples(into text: inout String) {
        let samples = series.withLock { $0.sorted { seriesOrder($0.key, $1.key) } }
        for (values, value) in samples {
            text += "\(name)\(PrometheusText.labelSet(labelNames, values)) \(PrometheusText.number(value))\n"
        }
    }
}
