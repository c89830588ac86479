import Prometheus

/// Observations (durations) counted into fixed buckets, one series per set of label values.
/// The series are swift-prometheus value histograms (seconds), rendered as cumulative
/// `_bucket{le=…}` lines, `+Inf` included, then `_sum` and `_count`.
public typealias HistogramFamily = MetricFamily<ValueHistogram>

extension MetricFamily where Series == ValueHistogram {
    /// Counts `value` (NaN is ignored).
    public func observe(_ value: Double, labels: [String: String] = [:]) {
        guard !value.isNaN else { return }
        series(labels)?.record(value)
    }

    /// Counts `duration` in seconds.
    public func observe(_ duration: Duration, labels: [String: String] = [:]) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18, labels: labels)
    }

    /// How many observations the series for `labels` has.
    public func count(labels: [String: String] = [:]) -> UInt64 {
        sample("_count", labels: labels).map { UInt64($0) } ?? 0
    }
}
