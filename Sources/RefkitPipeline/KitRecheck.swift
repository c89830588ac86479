import Logging
import RefkitConfig
import RefkitCore
import RefkitProviders
import RefkitQA
import RefkitStore

/// `refkit qa KIT`: checks a kit's made references again, without making any image (after a
/// threshold change, a model update, or to ask the judge afterwards), and records the verdicts;
/// the kit is published again with them. The checks are the ones `[qa]` and the kit's orders
/// name, QA switched on for the kit or not (asking is the switch); the judge only when asked.
public struct KitRecheck: Sendable {
    let configuration: Configuration
    let database: RefkitDatabase
    let qa: StageQA
    let budgets: KitBudgets
    let logger: Logger

    /// One reference's verdict before and after.
    public struct Change: Sendable, Equatable {
        public var stage: Stage
        /// nil: it was not checked before.
        public var before: QAVerdict?
        public var after: QAVerdict
        /// The warned and failed checks, one line.
        public var summary: String
    }

    public init(configuration: Configuration, database: RefkitDatabase, registry: ProviderRegistry, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.budgets = KitBudgets(configuration: configuration, database: database)
        self.qa = StageQA(
            settings: configuration.qa, work: WorkFiles(stateDir: configuration.stateDir),
            sourceLongSide: configuration.outputs.sourceLongSide, judge: registry.judge, judgeUnavailable: registry.judgeUnavailable)
        self.logger = logger
    }

    /// Checks every made reference of `kit` (name, slug or id) again; `judge` also asks the
    /// judge (paid, within the kit's budgets). Throws `kit_unknown` for an unknown kit.
    public func run(kit reference: String, judge: Bool) async throws -> (kit: KitRecord, changes: [Change]) {
        guard let kit = try database.kit(reference) else {
            throw RefkitError(.kitUnknown, "no kit is named \(reference)", detail: "see `refkit kits`")
        }
        let order = try database.kitOrder(kitID: kit.id)
        var checks = Set(order.qaChecks ?? configuration.qa.checks).intersection(configuration.qa.checks)
        if !judge { checks.remove(.judge) } else { checks.insert(.judge) }
        var records: [(stageID: Int64, file: String, qa: QAStageRecord)] = []
        var changes: [Change] = []
        // The kit, its source and its stages, read once: what every reference is compared with.
        let stages = try database.stages(kitID: kit.id)
        guard let first = stages.first, let context = try database.stageContext(stageID: first.id, kitID: kit.id) else {
            return (kit, [])
        }
        for stage in context.stages where stage.status == .done {
            guard let file = stage.file else { continue }
            let images = try qa.kitImages(context, stage: stage.stage, excluding: stage.id)
            let candidate = ReferenceImage(bytes: try qa.work.read(file), mime: (stage.format ?? .png).mime)
            var (verdict, judged, _) = await qa.examine(
                kitID: kit.id, stage: stage.stage, candidate: candidate, file: file, images: images, checks: checks, budgets: budgets,
                log: logger)
            if !judge, let earlier = stage.qa?.checks.first(where: { $0.check == .judge }) {
                // Not asked again: the judge's earlier answer stands.
                verdict = StageVerdict(checks: verdict.checks + [earlier])
                judged = stage.qa?.judge
            }
            let record = QAStageRecord(verdict, attempts: stage.qa?.attempts ?? 1, judge: judged)
            records.append((stage.id, file, record))
            changes.append(Change(stage: stage.stage, before: stage.qa?.verdict, after: record.verdict, summary: record.note.summary))
        }
        try database.recordRecheck(kitID: kit.id, records: records)
        return (kit, changes)
    }
}
