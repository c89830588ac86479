import Prometheus

/// One sample line of swift-prometheus's text output, read back so that refkit can order and
/// format it as it always has, and read a value (swift-prometheus has no getter for one).
struct PrometheusSample: Sendable {
    /// The family: the name on the `# TYPE` line before the sample.
    var family: String
    /// The sample name: the family's, or with `_bucket`, `_sum` or `_count` after it.
    var name: String
    /// The labels as emitted: declared order, `le` last on a bucket.
    var labels: [Label]
    var value: Double

    struct Label: Sendable, Equatable {
        var name: String
        var value: String
    }

    /// The label values that tell the series apart (`le` left out), for ordering and look-ups.
    var seriesValues: [String] { labels.filter { $0.name != "le" }.map(\.value) }

    /// `name{labels} value` and a line feed, with bucket bounds and the value written by
    /// `PrometheusText.number` (`4`, not swift-prometheus's `4.0`).
    var line: String {
        let values = labels.map { label in
            label.name == "le" ? Double(label.value).map(PrometheusText.number) ?? label.value : label.value
        }
        return "\(name)\(PrometheusText.labelSet(labels.map(\.name), values)) \(PrometheusText.number(value))\n"
    }

    /// Every sample `registry` emits now.
    static func emitted(by registry: PrometheusCollectorRegistry) -> [PrometheusSample] {
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return parse(bytes)
    }

    /// The samples of a text in the exposition format (comments other than `# TYPE` skipped).
    static func parse(_ bytes: [UInt8]) -> [PrometheusSample] {
        var samples: [PrometheusSample] = []
        var family = ""
        for line in bytes.split(separator: newline) {
            if line.starts(with: "# TYPE ".utf8) {
                family = String(decoding: line.dropFirst(7).prefix { $0 != space }, as: UTF8.self)
            } else if line.first != UInt8(ascii: "#"), let sample = PrometheusSample(line, family: family) {
                samples.append(sample)
            }
        }
        return samples
    }

    /// `samples` (of one family) series by series in label-value order; the lines of one series
    /// (buckets, sum, count) keep their order.
    static func inSeriesOrder(_ samples: [PrometheusSample]) -> [PrometheusSample] {
        var keys: [[String]] = []
        var bySeries: [[String]: [PrometheusSample]] = [:]
        for sample in samples {
            let key = sample.seriesValues
            if bySeries[key] == nil { keys.append(key) }
            bySeries[key, default: []].append(sample)
        }
        return keys.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { bySeries[$0] ?? [] }
    }

    /// Reads `name{a="x",b="y"} value` (label values escaped as the format says).
    init?(_ line: ArraySlice<UInt8>, family: String) {
        var index = line.startIndex
        while index < line.endIndex, line[index] != Self.openBrace, line[index] != Self.space { index += 1 }
        guard index < line.endIndex else { return nil }
        self.family = family
        name = String(decoding: line[line.startIndex..<index], as: UTF8.self)
        labels = []
        if line[index] == Self.openBrace {
            index += 1
            while index < line.endIndex, line[index] != Self.closeBrace {
                let nameStart = index
                while index < line.endIndex, line[index] != Self.equals { index += 1 }
                let labelName = String(decoding: line[nameStart..<index], as: UTF8.self)
                // `="`
                index += 2
                var value: [UInt8] = []
                while index < line.endIndex, line[index] != Self.quote {
                    if line[index] == Self.backslash, index + 1 < line.endIndex {
                        index += 1
                        value.append(line[index] == UInt8(ascii: "n") ? Self.newline : line[index])
                    } else {
                        value.append(line[index])
                    }
                    index += 1
                }
                guard index < line.endIndex else { return nil }
                labels.append(Label(name: labelName, value: String(decoding: value, as: UTF8.self)))
                // The closing quote, then a comma between labels.
                index += 1
                if index < line.endIndex, line[index] == Self.comma { index += 1 }
            }
            guard index < line.endIndex else { return nil }
            index += 1
        }
        let text = String(decoding: line[index...], as: UTF8.self).trimmingPrefix(" ")
        guard let value = Double(String(text)) else { return nil }
        self.value = value
    }

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let equals = UInt8(ascii: "=")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let comma = UInt8(ascii: ",")
}
