import RefkitCore
import RefkitQA

/// The stable JSON shapes of a kit: `refkit kits --json` and `refkit show --json` print them, and
/// the web API answers with them (one shape for both doors).
public enum KitJSON {
    /// One kit as a list shows it (`kits --json`).
    public static func summary(_ kit: KitRecord, stages: [StageRecord], qa: QAKitSummary?) -> JSONValue {
        .object([
            ("id", .string(kit.id)), ("kit", .string(kit.name)), ("slug", .string(kit.slug)), ("watch", .string(kit.watch)),
            ("status", .string(kit.status.rawValue)), ("stages_total", .integer(stages.count)),
            ("stages_done", .integer(stages.filter { $0.status == .done }.count)),
            ("stages_failed", .integer(stages.filter { $0.status == .failed }.count)),
            // What the kit's generations cost (QA's judge spend is in `qa`).
            ("cost_usd", .number(stages.reduce(0) { $0 + $1.costUSD }, isInteger: false)), ("created_at", .string(kit.createdAt)),
            ("updated_at", .string(kit.updatedAt)), ("qa", qa?.jsonValue ?? .null),
        ])
    }

    /// One kit with its stages (`show --json`). `sources`: every source, the primary first
    /// (issue 17 item 1: `RefkitDatabase.kitSources`), listed when given.
    public static func detail(
        _ kit: KitRecord, stages: [StageRecord], source: SourceRecord?, qa: QAKitSummary?, sources: [SourceRecord]? = nil
    ) -> JSONValue {
        guard case .object(var members) = summary(kit, stages: stages, qa: qa) else { return .null }
        members.append(
            (
                "source",
                source.map {
                    .object([
                        ("file", .string($0.originalName)), ("sha256", .string($0.sha256)), ("mime", .string($0.format.mime)),
                        ("width", .integer($0.width)),
                        ("height", .integer($0.height)),
                    ])
                } ?? .null
            ))
        if let sources { members.append(("sources", sourcesJSON(sources))) }
        members.append(("content_rating", .optional(kit.contentRating?.name)))
        members.append(("locked_reference", .optional(kit.lockedReference)))
        members.append(("locked_how", .optional(kit.lockedHow)))
        members.append(("reference_generation", .integer(kit.referenceGeneration)))
        members.append(
            (
                "error", kit.errorCode.map { .object([("code", .string($0)), ("message", .optional(kit.errorMessage))]) } ?? .null
            ))
        members.append(
            (
                "stages",
                .array(
                    stages.map { s in
                        .object([
                            ("stage", .string(s.stage.name)), ("status", .string(s.status.rawValue)), ("attempts", .integer(s.attempts)),
                            ("generation", .integer(s.generation)), ("provider", .optional(s.provider)), ("model", .optional(s.model)),
                            ("file", .optional(s.file)), ("sha256", .optional(s.sha256)),
                            ("duration_ms", .integer(s.durationMs)), ("cost_usd", .number(s.costUSD, isInteger: false)),
                            (
                                "error",
                                s.errorCode.map { .object([("code", .string($0)), ("message", .optional(s.errorMessage))]) } ?? .null
                            ),
                            ("reference_generation", s.referenceGeneration.map(JSONValue.integer) ?? .null),
                            ("made_from_earlier_reference", .bool(s.madeFromEarlierReference(kitGeneration: kit.referenceGeneration))),
                            ("qa", s.qa?.jsonValue ?? .null),
                        ])
                    })
            ))
        return .object(members)
    }

    /// The references QA looked at: done stages with a QA record, not avatar candidates (as the manifest counts them).
    public static func checkedStages(_ stages: [StageRecord]) -> [StageRecord] {
        stages.filter { $0.status == .done && !$0.stage.isCandidate && $0.qa != nil }
    }

    /// The references whose QA verdict is `fail`: what `kits --needs-review` names and `show` offers to make again.
    public static func failedQA(_ stages: [StageRecord]) -> [StageRecord] {
        checkedStages(stages).filter { $0.qa?.verdict == .fail }
    }

    /// The kit's QA summary; nil when no reference was checked (QA off, nothing made yet).
    public static func qaSummary(_ stages: [StageRecord], spendUSD: Double) -> QAKitSummary? {
        QAKitSummary(checked: checkedStages(stages).compactMap(\.qa), spendUSD: spendUSD)
    }
}
