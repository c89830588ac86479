import RefkitCore
import RefkitQA
import RefkitStore

/// A kit's page (`GET /kits/{id}`): its source and locked reference, one card per stage with
/// its earlier results, what can be done to it, and its event log.
public struct KitPageView: Sendable {
    /// One stage's card.
    public struct Card: Sendable, Equatable {
        public var stage: StageRecord
        /// The published image with `?v=sha256`, as the kit's outbox folder has it now (a stage
        /// made again since the last publish still shows its earlier image); nil when there is none.
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
    /// A character's further sources as published: their URLs and the names they were dropped under.
    public var furtherSources: [(url: String, originalName: String)] = []
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
    /// The newest event id when the page was read (read first): app.js streams the events after it,
    /// so nothing that happened between the read and the stream's start is missed.
    public var lastEventID: Int64 = 0
    /// "Check again" (`refkit qa`) as the page offers it; nil: not offered.
    public var checkAgain: CheckAgain?

    /// The card of a stage, its image as the kit's outbox folder has it (`published`: its manifest).
    public static func card(
        kit: KitRecord, stage: StageRecord, published: PublishedKit?, history: [StageHistoryRecord], hasCandidates: Bool
    ) -> Card {
        let settled = stage.status == .done || stage.status == .failed
        return Card(
            stage: stage, imageURL: published?.imageURL(kit, stage.stage), history: history,
            madeFromEarlierReference: stage.madeFromEarlierReference(kitGeneration: kit.referenceGeneration),
            canRegenerate: settled && !(stage.stage == .avatar && hasCandidates))
    }

    /// Reads the kit (by id, name or slug), its stages, history, source, QA spend and latest
    /// events; nil when no kit has that reference.
    public static func load(database: RefkitDatabase, kitID: String, eventLimit: Int = 200) throws -> KitPageView? {
        let lastEventID = try database.lastEventID()
        guard let kit = try database.kit(kitID) else { return nil }
        let stages = try database.stages(kitID: kit.id)
        let history = Dictionary(grouping: try database.stageHistory(kitID: kit.id), by: \.stage)
        let hasCandidates = stages.contains(where: \.stage.isCandidate)
        let published = PublishedKit.load(kit)
        let cards = stages.map {
            card(kit: kit, stage: $0, published: published, history: history[$0.stage] ?? [], hasCandidates: hasCandidates)
        }
        let avatar = cards.first { $0.stage.stage == .avatar }
        var view = KitPageView(
            kit: kit, source: try kit.sourceID.flatMap { try database.source(id: $0) },
            sourceURL: published?.source.flatMap { WebLinks.file(kit, $0) },
            lockedReferenceURL: kit.lockedReference != nil ? avatar?.imageURL : nil,
            cards: cards.filter { !$0.stage.stage.isCandidate }.sorted { $0.stage.stage < $1.stage.stage },
            candidates: cards.filter(\.stage.stage.isCandidate).sorted { $0.stage.stage < $1.stage.stage },
            events: try database.events(kitID: kit.id, limit: eventLimit),
            qa: KitJSON.qaSummary(stages, spendUSD: try database.qaSpend(kitID: kit.id)),
            canRetry: kit.status == .failed || stages.contains { $0.status == .failed || $0.status == .skipped },
            manifestURL: published != nil ? WebLinks.file(kit, "manifest.json") : nil,
            sheetURL: published != nil ? WebLinks.file(kit, "sheet.png") : nil,
            galleryURL: published != nil ? WebLinks.file(kit, "index.html") : nil)
        view.furtherSources = (published?.furtherSources ?? []).compactMap { source in
            WebLinks.file(kit, source.file.path, version: source.file.sha256).map { ($0, source.originalName) }
        }
        view.lastEventID = lastEventID
        return view
    }
}
