import Prometheus
import Synchronization

/// The daemon's metrics, rendered in the Prometheus text exposition format (version 0.0.4).
///
/// The series and their values live in swift-prometheus's `PrometheusCollectorRegistry`; this
/// type keeps what refkit promises on top of it: families declared once with their help text and
/// label names (a family is listed before its first series), and a text that lists families by
/// name and series by label values with whole numbers written without a fraction, so the same
/// state always renders to the same text (the textfile and `/metrics` read as they always have).
public final class MetricsRegistry: Sendable {
    /// Where the series live (swift-prometheus emits them in no particular order).
    let prometheus = PrometheusCollectorRegistry()
    private let families = Mutex<[String: any RegisteredFamily]>([:])

    public init() {}

    /// The counter `name` (registered on first use; the same instance afterwards).
    public func counter(_ name: String, help: String, labels: [String] = []) -> CounterFamily {
        register(name, help: help, type: "counter", labels: labels) { [prometheus] in
            prometheus.makeCounter(descriptor: $0, labels: $1)
        }
    }

    /// The gauge `name` (registered on first use; the same instance afterwards).
    public func gauge(_ name: String, help: String, labels: [String] = []) -> GaugeFamily {
        register(name, help: help, type: "gauge", labels: labels) { [prometheus] in
            prometheus.makeGauge(descriptor: $0, labels: $1)
        }
    }

    /// The histogram `name` with upper bounds `buckets` (`+Inf` is implied) (registered on first
    /// use; the same instance afterwards).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> HistogramFamily {
        let finite = Set(buckets.filter(\.isFinite)).sorted()
        precondition(!finite.isEmpty, "histogram \(name) needs at least one finite bucket")
        return register(name, help: help, type: "histogram", labels: labels) { [prometheus] in
            prometheus.makeValueHistogram(descriptor: $0, labels: $1, buckets: finite)
        }
    }

    /// Every family in the text exposition format, ending with a newline (empty when there are none).
    public func render() -> String {
        let all = families.withLock { Array($0.values) }.sorted { $0.name < $1.name }
        let samples = Dictionary(grouping: PrometheusSample.emitted(by: prometheus), by: \.family)
        var text = ""
        for family in all {
            // HELP is written here, not by swift-prometheus, which drops a line feed in help text
            // where the format escapes it, and prints nothing for a family without series.
            text += "# HELP \(family.name) \(PrometheusText.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type)\n"
            for sample in PrometheusSample.inSeriesOrder(samples[family.name] ?? []) {
                text += sample.line
            }
        }
        return text
    }

    private func register<Series: Sendable>(
        _ name: String, help: String, type: String, labels: [String],
        makeSeries: @escaping @Sendable (MetricNameDescriptor, [(String, String)]) -> Series
    ) -> MetricFamily<Series> {
        precondition(PrometheusText.isValidMetricName(name), "invalid metric name \(name)")
        for label in labels {
            precondition(PrometheusText.isValidLabelName(label), "invalid label name \(label) on \(name)")
        }
        precondition(Set(labels).count == labels.count, "duplicate label names on \(name)")
        return families.withLock { families in
            if let existing = families[name] {
                // Registering twice is a programming error unless it asks for the same thing.
                guard let same = existing as? MetricFamily<Series>, same.labelNames == labels else {
                    preconditionFailure("metric \(name) is already registered as a different \(existing.type) or with other labels")
                }
                return same
            }
            let made = MetricFamily(
                name: name, help: help, type: type, labelNames: labels, registry: prometheus, makeSeries: makeSeries)
            families[name] = made
            return made
        }
    }
}
