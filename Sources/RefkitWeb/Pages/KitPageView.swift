import RefkitCore
import RefkitQA
import RefkitStore

/// A kit's page (`GET /kits/{id}`): its source and locked reference, one card per stage with
/// its earlier results, what can be done to it, and its event log.
public struct KitPageView: Sendable {
    /// One stage's card.
    public struct Card: Sendable, Equatable {
        public var stage: StageRecord
        /// The published image with `?v=sha256`; nil while it is not in the outbox (not made yet,
        /// or made since the kit was last published: the outbox still holds the earlier result).
        public var imageURL: String?
        /// Earlier results of this stage, oldest first.
        public var history: [StageHistoryRecord]
        /// Made from a locked reference that was replaced since (`refkit select` on a chosen avatar).
        public var madeFromEarlierReference: Bool
        /// Whether Regenerate applies now (done or failed, not waiting or running, not an avatar chosen among candidates).
        public var canRegenerate: Bool
    }

    public var kit: KitRecord
    public var source: SourceRecord?
    public var sourceURL: String?
    /// The locked reference's published image (the avatar), once there is one.
    public var lockedReferenceURL: String?
    /// The references, in the kit's order; candidates apart.
    public var cards: [Card]
    public var candidates: [Card]
    /// The kit's events, oldest first (the newest `eventLimit`).
    public var events: [EventRecord]
    public var qa: QAKitSummary?
    /// Whether Retry applies (a stage failed or was skipped, or the kit failed).
    public var canRetry: Bool
    /// Links into the kit's outbox folder; nil before it was published.
    public var manifestURL: String?
    public var sheetURL: String?
    public var galleryURL: String?

    /// Whether the kit's outbox folder holds its stages' current results: the kit was published
    /// (finished, or waiting for a choice) and has not been sent back to work since.
    public static func isPublished(_ kit: KitRecord) -> Bool {
        kit.outboxDir != nil && (kit.status.isFinished || kit.status == .awaitingSelection)
    }

    /// The card of a stage, from the kit and the stage's history.
    public static func card(kit: KitRecord, stage: StageRecord, history: [StageHistoryRecord], hasCandidates: Bool) -> Card {
        var url: String?
        if isPublished(kit), stage.status == .done, let work = stage.file {
            url = WebLinks.file(kit, stage.stage.publishedFileName(workFile: work), version: stage.sha256)
        }
        let settled = stage.status == .done || stage.status == .failed
        return Card(
            stage: stage, imageURL: url, history: history,
            madeFromEarlierReference: stage.madeFromEarlierReference(kitGeneration: kit.referenceGeneration),
            canRegenerate: settled && !(stage.stage == .avatar && hasCandidates))
    }

    /// Reads the kit (by id, name or slug), its stages, history, source, QA spend and latest
    /// events; nil when no kit has that reference.
    public static func load(database: RefkitDatabase, kitID: String, eventLimit: Int = 200) throws -> KitPageView? {
        guard let kit = try database.kit(kitID) else { return nil }
        let stages = try database.stages(kitID: kit.id)
        let history = Dictionary(grouping: try database.stageHistory(kitID: kit.id), by: \.stage)
        let hasCandidates = stages.contains(where: \.stage.isCandidate)
        let cards = stages.map { card(kit: kit, stage: $0, history: history[$0.stage] ?? [], hasCandidates: hasCandidates) }
        let published = isPublished(kit)
        let avatar = cards.first { $0.stage.stage == .avatar }
        return KitPageView(
            kit: kit, source: try kit.sourceID.flatMap { try database.source(id: $0) },
            sourceURL: kit.sourceID != nil && published ? WebLinks.file(kit, "source.jpg") : nil,
            lockedReferenceURL: kit.lockedReference != nil ? avatar?.imageURL : nil,
            cards: cards.filter { !$0.stage.stage.isCandidate }.sorted { $0.stage.stage < $1.stage.stage },
            candidates: cards.filter(\.stage.stage.isCandidate).sorted { $0.stage.stage < $1.stage.stage },
            events: try database.events(kitID: kit.id, limit: eventLimit),
            qa: KitJSON.qaSummary(stages, spendUSD: try database.qaSpend(kitID: kit.id)),
            canRetry: kit.status == .failed || stages.contains { $0.status == .failed || $0.status == .skipped },
            manifestURL: published ? WebLinks.file(kit, "manifest.json") : nil,
            sheetURL: published ? WebLinks.file(kit, "sheet.png") : nil, galleryURL: published ? WebLinks.file(kit, "index.html") : nil)
    }
}
