import Synchronization

/// The daemon's metrics, rendered in the Prometheus text exposition format (version 0.0.4).
///
/// Families are registered once (at start-up) and then updated from any thread. `render()`
/// lists families by name and series by label values, so the same state always renders to the
/// same text.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[String: any MetricFamily]>([:])

    public init() {}

    /// The counter `name` (registered on first use; the same instance afterwards).
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        register(name, labels: labels) { Counter(name: name, help: help, labelNames: labels) }
    }

    /// The gauge `name` (registered on first use; the same instance afterwards).
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        register(name, labels: labels) { Gauge(name: name, help: help, labelNames: labels) }
    }

    /// The histogram `name` with upper bounds `buckets` (`+Inf` is implied) (registered on first
    /// use; the same instance afterwards).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> Histogram {
        register(name, labels: labels) { Histogram(name: name, help: help, labelNames: labels, buckets: buckets) }
    }

    /// Every family in the text exposition format, ending with a newline (empty when there are none).
    public func render() -> String {
        let all = families.withLock { Array($0.values) }.sorted { $0.name < $1.name }
        var text = ""
        for family in all {
            text += "# HELP \(family.name) \(PrometheusText.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type)\n"
            family.renderSamples(into: &text)
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

/// What every kind of metric has in common, for rendering.
protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var type: String { get }
    var labelNames: [String] { get }
    func renderSamples(into text: inout String)
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
}

/// Orders series by their label values, element by element.
func seriesOrder(_ a: [String], _ b: [String]) -> Bool {
    a.lexicographicallyPrecedes(b)
}
