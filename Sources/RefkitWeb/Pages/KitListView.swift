import Foundation
import RefkitCore
import RefkitQA
import RefkitStore

/// The kits list (`GET /`): one page of kits with their progress, cost and QA state, the
/// filters, the cursor of the next (older) page and the daemon's status.
public struct KitListView: Sendable {
    /// One kit's row.
    public struct Row: Sendable, Equatable {
        public var kit: KitRecord
        public var stagesDone: Int
        public var stagesTotal: Int
        public var stagesFailed: Int
        /// What its generations cost (QA's judge spend is in `qa`).
        public var costUSD: Double
        /// Nil when no reference was checked.
        public var qa: QAKitSummary?

        /// A row from a kit and its stages (`KitJSON`'s counting, so the page and the API agree).
        public init(kit: KitRecord, stages: [StageRecord], qaSpendUSD: Double) {
            self.kit = kit
            stagesTotal = stages.count
            stagesDone = stages.filter { $0.status == .done }.count
            stagesFailed = stages.filter { $0.status == .failed }.count
            costUSD = stages.reduce(0) { $0 + $1.costUSD }
            qa = KitJSON.qaSummary(stages, spendUSD: qaSpendUSD)
        }
    }

    public var query: KitListQuery
    public var rows: [Row]
    /// The `before` of the next, older page; nil on the last page.
    public var olderCursor: String?
    public var status: DaemonStatusView
    /// The configured watches, for the filter's choices.
    public var watches: [String]
    /// The newest event id when the page was read (read first): app.js streams the events after it,
    /// so nothing that happened between the read and the stream's start is missed.
    public var lastEventID: Int64 = 0

    /// A view from its parts.
    public init(query: KitListQuery, rows: [Row], olderCursor: String?, status: DaemonStatusView, watches: [String]) {
        self.query = query
        self.rows = rows
        self.olderCursor = olderCursor
        self.status = status
        self.watches = watches
    }

    /// Reads one page: the kits (keyset paging), their stages and QA spend in one query each, and the status counts.
    public static func load(
        database: RefkitDatabase, query: KitListQuery, watches: [String], limit: Int = 50, now: Date = Date()
    ) throws -> KitListView {
        let lastEventID = try database.lastEventID()
        let page = try database.kitPage(query.filter, before: query.before, limit: limit)
        let ids = page.kits.map(\.id)
        let stages = try database.stages(ofKits: ids)
        let spend = try database.qaSpend(ofKits: ids)
        var view = KitListView(
            query: query, rows: page.kits.map { Row(kit: $0, stages: stages[$0.id] ?? [], qaSpendUSD: spend[$0.id] ?? 0) },
            olderCursor: page.more ? page.kits.last?.id : nil, status: try DaemonStatusView.load(database: database, now: now),
            watches: watches)
        view.lastEventID = lastEventID
        return view
    }
}
