import RefkitCore

/// One check's result as the manifest lists it under `stages[i].qa.checks`: the number the
/// check measured and the edge it was held to (so operators can recalibrate on their own
/// kits), a sentence for people, and the reason code when it warned or failed.
public struct QACheckResult: Sendable, Equatable, Codable {
    /// Which check this is.
    public var check: QACheckID
    /// What it decided.
    public var verdict: QAVerdict
    /// What was measured: a deviation, a hash distance, a face score, an embedding distance,
    /// the judge's identity score; nil when nothing was.
    public var score: Double?
    /// The edge `score` was compared with; nil when there was none.
    public var threshold: Double?
    /// What was seen and why it matters, for `refkit show` and the gallery.
    public var detail: String
    /// Why it warned or failed; nil for pass and skipped.
    public var reason: QAReason?

    /// A result from its parts.
    public init(
        check: QACheckID, verdict: QAVerdict, score: Double? = nil, threshold: Double? = nil, detail: String, reason: QAReason? = nil
    ) {
        self.check = check
        self.verdict = verdict
        self.score = score
        self.threshold = threshold
        self.detail = detail
        self.reason = reason
    }

    /// A check that did not run, with why.
    public static func skipped(_ check: QACheckID, _ detail: String) -> QACheckResult {
        QACheckResult(check: check, verdict: .skipped, detail: detail)
    }

    /// The judge could not give an answer (failed, timed out, broke the rubric): `warn`, never
    /// `pass`, so a judge outage is visible rather than silently approving.
    public static func judgeUnavailable(_ detail: String) -> QACheckResult {
        QACheckResult(check: .judge, verdict: .warn, detail: "the judge gave no usable answer: \(detail)", reason: .judgeUnavailable)
    }

    enum CodingKeys: String, CodingKey {
        case check, verdict, score, threshold, detail, reason
    }

    /// The manifest's object, keys in a fixed order.
    public var jsonValue: JSONValue {
        .object([
            (CodingKeys.check.stringValue, .string(check.rawValue)),
            (CodingKeys.verdict.stringValue, .string(verdict.rawValue)),
            (CodingKeys.score.stringValue, score.map { .number($0, isInteger: false) } ?? .null),
            (CodingKeys.threshold.stringValue, threshold.map { .number($0, isInteger: false) } ?? .null),
            (CodingKeys.detail.stringValue, .string(detail)),
            (CodingKeys.reason.stringValue, reason.map { .string($0.code) } ?? .null),
        ])
    }

    /// Writes `jsonValue`.
    public func encode(to encoder: Encoder) throws { try EncodableJSON(jsonValue).encode(to: encoder) }
}
