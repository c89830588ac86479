import RefkitCore
import RefkitQA

/// A batch's QA counts (issue 15: the batch summary adds them): references per verdict and the
/// regenerations QA asked for (attempts beyond the first, summed), as the kits' manifests count them.
public struct BatchQA: Sendable, Equatable {
    /// References per verdict; every verdict is present, zero included.
    public var counts: [QAVerdict: Int]
    /// Attempts beyond the first, over every checked reference of the batch.
    public var regenerations: Int

    /// The counts from their parts (missing verdicts count zero).
    public init(counts: [QAVerdict: Int], regenerations: Int) {
        self.counts = Dictionary(uniqueKeysWithValues: QAVerdict.allCases.map { ($0, counts[$0] ?? 0) })
        self.regenerations = regenerations
    }

    /// The counts of the checked references' records; nil when there are none (QA off).
    public init?(checked records: [QAStageRecord]) {
        // The kit summary's rules, so the batch adds up to the sum of its manifests' `qa`.
        guard let kit = QAKitSummary(checked: records, spendUSD: 0) else { return nil }
        self.init(counts: kit.counts, regenerations: kit.regenerations)
    }

    /// The counts back from the summary document's `qa` object; nil for null or a document from
    /// before QA (so older summaries still print).
    public init?(json: JSONValue?) {
        // The same `counts` and `regenerations` the kit summary reads from a manifest.
        guard let json, let summary = QAKitSummary(json: json) else { return nil }
        self.init(counts: summary.counts, regenerations: summary.regenerations)
    }

    /// The summary document's `qa`: `{"counts": {"skipped", "pass", "warn", "fail"}, "regenerations"}`.
    public var json: JSONValue {
        .object([
            ("counts", .object(QAVerdict.allCases.map { ($0.rawValue, .number(Double(counts[$0] ?? 0), isInteger: true)) })),
            ("regenerations", .number(Double(regenerations), isInteger: true)),
        ])
    }

    /// For the log line and `refkit status`: `40 pass, 3 warn, 1 fail, 0 skipped; 5 regenerations`.
    public var line: String { QAKitSummary(counts: counts, regenerations: regenerations, spendUSD: 0).line }
}
