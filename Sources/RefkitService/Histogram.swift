import Synchronization

/// Observations (durations) counted into fixed buckets, one series per set of label values.
/// Renders cumulative `_bucket{le=…}` lines, `+Inf` included, then `_sum` and `_count`.
public final class Histogram: Sendable {
    /// The metric name, e.g. `refkit_provider_request_duration_seconds`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The label names, in rendering order (`le` is added for buckets).
    public let labelNames: [String]
    /// The finite upper bounds, ascending.
    public let buckets: [Double]
    private let series = Mutex<[[String]: Series]>([:])

    struct Series {
        /// Per bucket, the observations that fell into it (not cumulative); the last is `+Inf`.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        let finite = Set(buckets.filter(\.isFinite)).sorted()
        precondition(!finite.isEmpty, "histogram \(name) needs at least one finite bucket")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = finite
        if labelNames.isEmpty { series.withLock { $0[[]] = Series(counts: Array(repeating: 0, count: finite.count + 1)) } }
    }

    /// Counts `value` (NaN is ignored).
    public func observe(_ value: Double, labels: [String: String] = [:]) {
        guard !value.isNaN, let key = values(of: labels) else { return }
        let index = buckets.firstIndex { value <= $0 } ?? buckets.count
        series.withLock { all in
            var entry = all[key] ?? Series(counts: Array(repeating: 0, count: buckets.count + 1))
            entry.counts[index] += 1
            entry.sum += value
            entry.count += 1
            all[key] = entry
        }
    }

    /// Counts `duration` in seconds.
    public func observe(_ duration: Duration, labels: [String: String] = [:]) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18, labels: labels)
    }

    /// Makes the series for `labels` appear (all zero) before its first observation.
    public func declare(labels: [String: String]) {
        guard let key = values(of: labels) else { return }
        series.withLock { all in
            if all[key] == nil { all[key] = Series(counts: Array(repeating: 0, count: buckets.count + 1)) }
        }
    }

    /// How many observations the series for `labels` has.
    public func count(labels: [String: String] = [:]) -> UInt64 {
        guard let key = values(of: labels) else { return 0 }
        return series.withLock { $0[key]?.count ?? 0 }
    }
}

extension Histogram: MetricFamily {
    var type: String { "histogram" }

    func renderSamples(into text: inout String) {
        let samples = series.withLock { $0.sorted { seriesOrder($0.key, $1.key) } }
        for (values, entry) in samples {
            var cumulative: UInt64 = 0
            for (index, count) in entry.counts.enumerated() {
                cumulative += count
                let bound = index < buckets.count ? PrometheusText.number(buckets[index]) : "+Inf"
                text += "\(name)_bucket\(PrometheusText.labelSet(labelNames, values, extra: ("le", bound))) \(cumulative)\n"
            }
            let labels = PrometheusText.labelSet(labelNames, values)
            text += "\(name)_sum\(labels) \(PrometheusText.number(entry.sum))\n"
            text += "\(name)_count\(labels) \(entry.count)\n"
        }
    }
}
