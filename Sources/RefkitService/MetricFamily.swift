import Prometheus

/// One metric: its name, help text and label names, and one swift-prometheus series (`Series`:
/// a `Counter`, `Gauge` or `ValueHistogram`) per set of label values, kept in the registry's
/// `PrometheusCollectorRegistry`. What each kind does to a series is in `CounterFamily.swift`,
/// `GaugeFamily.swift` and `HistogramFamily.swift`; the label plumbing is here, once.
public final class MetricFamily<Series: Sendable>: Sendable {
    /// The metric name, e.g. `refkit_retries_total`.
    public let name: String
    /// The `# HELP` text.
    public let help: String
    /// The `# TYPE`: `counter`, `gauge` or `histogram`.
    let type: String
    /// The label names, in rendering order (a histogram's buckets add `le`).
    public let labelNames: [String]
    let registry: PrometheusCollectorRegistry
    /// swift-prometheus's series for a label set in declared order: made on first use, the
    /// same one afterwards.
    private let makeSeries: @Sendable (_ labels: [(String, String)]) -> Series

    init(
        name: String, help: String, type: String, labelNames: [String], registry: PrometheusCollectorRegistry,
        makeSeries: @escaping @Sendable (_ descriptor: MetricNameDescriptor, _ labels: [(String, String)]) -> Series
    ) {
        self.name = name
        self.help = help
        self.type = type
        self.labelNames = labelNames
        self.registry = registry
        // Help stays empty in swift-prometheus: `MetricsRegistry.render()` writes it.
        self.makeSeries = { makeSeries(MetricNameDescriptor(metricName: name, unitName: "", helpText: ""), $0) }
        // An unlabelled metric exists (at 0) from registration on.
        if labelNames.isEmpty { _ = self.makeSeries([]) }
    }

    /// Makes the series for `labels` appear (at 0, or empty) before its first event, so rates
    /// start right; a series that has values keeps them.
    public func declare(labels: [String: String]) {
        _ = series(labels)
    }

    /// The series for `labels`, or nil when `labels` does not name exactly the declared labels.
    /// A mismatch is a programming error: it stops debug builds and is ignored in release
    /// builds (metrics must never take the daemon down).
    func series(_ labels: [String: String]) -> Series? {
        values(of: labels).map { makeSeries(Array(zip(labelNames, $0))) }
    }

    /// The label values in declared order, when `labels` names exactly the declared labels.
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

    /// The value of sample `suffix` (`""`, `_count`) for `labels` as the registry emits it now
    /// (swift-prometheus keeps its values private to its text output); nil before the series exists.
    func sample(_ suffix: String = "", labels: [String: String]) -> Double? {
        guard let values = values(of: labels) else { return nil }
        let sampleName = name + suffix
        return PrometheusSample.emitted(by: registry).first { $0.name == sampleName && $0.seriesValues == values }?.value
    }
}

/// What the registry needs of any family, whatever its series: to render it and to check a
/// second registration.
protocol RegisteredFamily: AnyObject, Sendable {
    var name: String { get }
    var help: String { get }
    var type: String { get }
    var labelNames: [String] { get }
}

extension MetricFamily: RegisteredFamily {}
