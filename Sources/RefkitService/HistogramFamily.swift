import Prometheus

/// Observations (durations) counted into fixed buckets, one series per set of label values.
/// The series are swift-prometheus value histograms (seconds) in the registry's
/// `PrometheusCollectorRegistry`, rendered as cumulative `_bucket{le=…}` lines, `+Inf`
/// included, then `_sum` and `_count`.
public final class HistogramFamily: MetricFamily {
    /// The metric name, e.g. `refkit_provider_request_duration_seconds`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The label names, in rendering order (`le` is added for buckets).
    public let labelNames: [String]
    /// The finite upper bounds, ascending.
    public let buckets: [Double]
    let registry: PrometheusCollectorRegistry
    var type: String { "histogram" }

    init(name: String, help: String, labelNames: [String], buckets: [Double], registry: PrometheusCollectorRegistry) {
        let finite = Set(buckets.filter(\.isFinite)).sorted()
        precondition(!finite.isEmpty, "histogram \(name) needs at least one finite bucket")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = finite
        self.registry = registry
        if labelNames.isEmpty { _ = series([]) }
    }

    /// Counts `value` (NaN is ignored).
    public func observe(_ value: Double, labels: [String: String] = [:]) {
        guard !value.isNaN, let key = values(of: labels) else { return }
        series(key).record(value)
    }

    /// Counts `duration` in seconds.
    public func observe(_ duration: Duration, labels: [String: String] = [:]) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18, labels: labels)
    }

    /// Makes the series for `labels` appear (all zero) before its first observation.
    public func declare(labels: [String: String]) {
        guard let key = values(of: labels) else { return }
        _ = series(key)
    }

    /// How many observations the series for `labels` has.
    public func count(labels: [String: String] = [:]) -> UInt64 {
        guard let key = values(of: labels), let count = sample("\(name)_count", labels: key)?.value else { return 0 }
        return UInt64(count)
    }

    /// The series for `values` (made empty on first use, the same one afterwards).
    private func series(_ values: [String]) -> ValueHistogram {
        registry.makeValueHistogram(descriptor: descriptor, labels: pairs(values), buckets: buckets)
    }
}
