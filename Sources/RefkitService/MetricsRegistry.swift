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
    private let families = Mutex<[String: any MetricFamily]>([:])

    public init() {}

    /// The counter `name` (registered on first use; the same instance afterwards).
    public func counter(_ name: String, help: String, labels: [String] = []) -> CounterFamily {
        register(name, labels: labels) { CounterFamily(name: name, help: help, labelNames: labels, registry: prometheus) }
    }

    /// The gauge `name` (registered on first use; the same instance afterwards).
    public func gauge(_ name: String, help: String, labels: [String] = []) -> GaugeFamily {
        register(name, labels: labels) { GaugeFamily(name: name, help: help, labelNames: labels, registry: prometheus) }
    }

    /// The histogram `name` with upper bounds `buckets` (`+Inf` is implied) (registered on first
    /// use; the same instance afterwards).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> HistogramFamily {
        register(name, labels: labels) {
            HistogramFamily(name: name, help: help, labelNames: labels, buckets: buckets, registry: prometheus)
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

    private func register<Family: MetricFamily>(_ name: String, labels: [String], make: () -> Family) -> Family {
        precondition(PrometheusText.isValidMetricName(name), "invalid metric name \(name)")
        for label in labels {
            precondition(PrometheusText.isValidLabelName(label), "invalid label name \(label) on \(name)")
        }
        precondition(Set(labels).count == labels.count, "duplicate label names on \(name)")
        return families.withLock { families in
            if let existing = families[name] {
                // Registering twice is a programming error unless it asks for the same thing.
                guard let same = existing as? Family, same.labelNames == labels else {
                    preconditionFailure("metric \(name) is already registered as a different \(existing.type) or with other labels")
                }
                return same
            }
            let made = make()
            families[name] = made
            return made
        }
    }
}

/// What every kind of metric has in common, for registering, rendering and reading back.
protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var type: String { get }
    var labelNames: [String] { get }
    var registry: PrometheusCollectorRegistry { get }
}

extension MetricFamily {
    /// The label values in declared order, when `labels` names exactly the declared labels.
    /// A mismatch is a programming error: it stops debug builds and is ignored in release
    /// builds (metrics must never take the daemon down).
    func values(of labels: [String: String]) -> [String]? {
        guard labels.count == labelNames.count else {
            assertionFailure("\(name) takes labels \(labelNames), got \(labels.keys.sorted())")
            return nil
        }
        var values: [String] = []
        values.reserveCapacity(labelNames.count)
        for labelName in labelNames {
            guard let value = labels[labelName] else {
                assertionFailure("\(name) takes labels \(labelNames), got \(labels.keys.sorted())")
                return nil
            }
            values.append(value)
        }
        return values
    }

    /// swift-prometheus's label set for `values` (always in declared order, so one series has
    /// one key there).
    func pairs(_ values: [String]) -> [(String, String)] {
        Array(zip(labelNames, values))
    }

    /// The family's name for swift-prometheus; help stays empty there (see `render()`).
    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: "")
    }

    /// The sample `sampleName` with label values `values` as the registry emits it now
    /// (swift-prometheus keeps its values private to its text output).
    func sample(_ sampleName: String, labels values: [String]) -> PrometheusSample? {
        PrometheusSample.emitted(by: registry).first { $0.name == sampleName && $0.seriesValues == values }
    }
}
