import RefkitCore

/// A stage's `qa` object in the manifest (issue 15):
/// `{"verdict", "attempts", "checks": [{"check", "verdict", "score", "threshold", "detail", "reason"}], "judge": {...} | null}`.
public struct QAStageRecord: Sendable, Equatable, Codable {
    /// The stage's verdict: the worst of its checks.
    public var verdict: QAVerdict
    /// Attempts made, the first included (regenerations + 1).
    public var attempts: Int
    /// The checks of the published attempt, in order.
    public var checks: [QACheckResult]
    /// The judge's raw answer, model and cost for the published attempt; nil when not asked.
    public var judge: QAJudgeRecord?

    /// A record from its parts.
    public init(verdict: QAVerdict, attempts: Int, checks: [QACheckResult], judge: QAJudgeRecord? = nil) {
        self.verdict = verdict
        self.attempts = attempts
        self.checks = checks
        self.judge = judge
    }

    /// The record of a stage's published attempt.
    public init(_ stage: StageVerdict, attempts: Int, judge: QAJudgeRecord? = nil) {
        self.init(verdict: stage.verdict, attempts: attempts, checks: stage.checks, judge: judge)
    }

    enum CodingKeys: String, CodingKey {
        case verdict, attempts, checks, judge
    }

    /// The manifest's object, every key present, in a fixed order.
    public var jsonValue: JSONValue {
        .object([
            (CodingKeys.verdict.stringValue, .string(verdict.rawValue)),
            (CodingKeys.attempts.stringValue, .integer(attempts)),
            (CodingKeys.checks.stringValue, .array(checks.map(\.jsonValue))),
            (CodingKeys.judge.stringValue, judge?.jsonValue ?? .null),
        ])
    }

    /// Writes `jsonValue`.
    public func encode(to encoder: Encoder) throws { try EncodableJSON(jsonValue).encode(to: encoder) }
}

/// The judge's part of a stage's `qa`: which model answered, what it cost, and its answer as
/// given (rubric keys), or why there is none.
public struct QAJudgeRecord: Sendable, Equatable, Codable {
    /// The judge model, as configured (pinned, so verdicts can be compared across nights).
    public var model: String
    /// What the call cost; it counts against budgets like any paid call.
    public var costUSD: Double
    /// The parsed answer; nil when the judge gave none.
    public var answer: JudgeAnswer?
    /// Why there is no answer (`JudgeAnswerError.description`, a timeout, an HTTP failure).
    public var error: String?

    /// A record from its parts.
    public init(model: String, costUSD: Double, answer: JudgeAnswer? = nil, error: String? = nil) {
        self.model = model
        self.costUSD = costUSD
        self.answer = answer
        self.error = error
    }

    /// The record of one judge call's outcome.
    public init(model: String, costUSD: Double, outcome: JudgeOutcome) {
        switch outcome {
        case .answered(let answer): self.init(model: model, costUSD: costUSD, answer: answer)
        case .unavailable(let why): self.init(model: model, costUSD: costUSD, error: why)
        }
    }

    enum CodingKeys: String, CodingKey {
        case model
        case costUSD = "cost_usd"
        case answer, error
    }

    /// The manifest's object, every key present, in a fixed order.
    public var jsonValue: JSONValue {
        .object([
            (CodingKeys.model.stringValue, .string(model)),
            (CodingKeys.costUSD.stringValue, .number(costUSD, isInteger: false)),
            (CodingKeys.answer.stringValue, answer?.jsonValue ?? .null),
            (CodingKeys.error.stringValue, error.map(JSONValue.string) ?? .null),
        ])
    }

    /// Writes `jsonValue`.
    public func encode(to encoder: Encoder) throws { try EncodableJSON(jsonValue).encode(to: encoder) }
}

/// The manifest's top-level `qa`: references per verdict, regenerations made, what QA cost
/// (the judge's calls; regenerated images are counted with the stages), and whether identity
/// was measured locally.
public struct QAKitSummary: Sendable, Equatable, Codable {
    /// References per verdict; every verdict is a key, zero included.
    public var counts: [QAVerdict: Int]
    /// Attempts made beyond the first, over all stages.
    public var regenerations: Int
    /// The judge's spend for the kit, in USD.
    public var spendUSD: Double
    /// `photoreal` or `stylized`; nil before the locked reference exists.
    public var identityMode: String?

    /// A summary from its parts.
    public init(counts: [QAVerdict: Int], regenerations: Int, spendUSD: Double, identityMode: String? = nil) {
        self.counts = counts
        self.regenerations = regenerations
        self.spendUSD = spendUSD
        self.identityMode = identityMode
    }

    /// The summary of a kit's stage records.
    public init(stages: [QAStageRecord], spendUSD: Double, identityMode: IdentityMode?) {
        var counts = Dictionary(uniqueKeysWithValues: QAVerdict.allCases.map { ($0, 0) })
        for stage in stages { counts[stage.verdict, default: 0] += 1 }
        self.init(
            counts: counts, regenerations: stages.reduce(0) { $0 + max(0, $1.attempts - 1) }, spendUSD: spendUSD,
            identityMode: identityMode?.name)
    }

    /// Whether any reference failed QA (`refkit kits --needs-review`).
    public var needsReview: Bool { (counts[.fail] ?? 0) > 0 }

    enum CodingKeys: String, CodingKey {
        case counts, regenerations
        case spendUSD = "spend_usd"
        case identityMode = "identity_mode"
    }

    /// Reads `counts` as an object keyed by verdict, as `jsonValue` writes it.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // A dictionary keyed by an enum decodes from an array, not an object: read string keys.
        let raw = try container.decode([String: Int].self, forKey: .counts)
        var counts: [QAVerdict: Int] = [:]
        for (key, value) in raw {
            guard let verdict = QAVerdict(rawValue: key) else {
                throw DecodingError.dataCorruptedError(forKey: .counts, in: container, debugDescription: "not a verdict: \(key)")
            }
            counts[verdict] = value
        }
        self.init(
            counts: counts, regenerations: try container.decode(Int.self, forKey: .regenerations),
            spendUSD: try container.decode(Double.self, forKey: .spendUSD),
            identityMode: try container.decodeIfPresent(String.self, forKey: .identityMode))
    }

    /// The manifest's top-level `qa` object, every verdict counted, in a fixed order.
    public var jsonValue: JSONValue {
        .object([
            (CodingKeys.counts.stringValue, .object(QAVerdict.allCases.map { ($0.rawValue, .integer(counts[$0] ?? 0)) })),
            (CodingKeys.regenerations.stringValue, .integer(regenerations)),
            (CodingKeys.spendUSD.stringValue, .number(spendUSD, isInteger: false)),
            (CodingKeys.identityMode.stringValue, identityMode.map(JSONValue.string) ?? .null),
        ])
    }

    /// Writes `jsonValue`.
    public func encode(to encoder: Encoder) throws { try EncodableJSON(jsonValue).encode(to: encoder) }
}

extension JSONValue {
    /// A JSON integer.
}

/// Encodes a `JSONValue` through any `Encoder`, so each record's JSON is spelt once (its
/// `jsonValue`, keys in the manifest's order, nulls written) and `Encodable` follows it.
struct EncodableJSON: Encodable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        switch value {
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for member in members { try container.encode(EncodableJSON(member.value), forKey: Key(stringValue: member.key)) }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(EncodableJSON(item)) }
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let b):
            var container = encoder.singleValueContainer()
            try container.encode(b)
        case .string(let s):
            var container = encoder.singleValueContainer()
            try container.encode(s)
        case .number(let d, let isInteger):
            var container = encoder.singleValueContainer()
            if isInteger, let i = Int(exactly: d) { try container.encode(i) } else { try container.encode(d) }
        }
    }
}

extension QAStageRecord {
    /// The record as reports carry it: the verdict, the warned and failed checks in one line,
    /// and the manifest object.
    public var note: QANote {
        var lines = checks.filter { $0.verdict >= .warn }.map { "\($0.check.rawValue) \($0.verdict.rawValue): \($0.detail)" }
        if attempts > 1 { lines.append("\(attempts) attempts") }
        return QANote(verdict: verdict, summary: lines.joined(separator: "; "), json: jsonValue)
    }
}
