import GRDB
import RefkitCore

/// What a stage is made from, read in one transaction so its parts agree with each other: the
/// kit (with its locked reference), its orders folded, its source, its stages (the stage's own
/// record among them) and what the kit has spent or reserved so far.
public struct StageContext: Sendable {
    public var kit: KitRecord
    /// The kit's orders folded (`Order.folded`).
    public var order: Order
    public var source: SourceRecord?
    /// Every stage of the kit, in the order they were planned.
    public var stages: [StageRecord]
    /// What the kit spent or reserved so far (done stages, replaced results, calls in flight).
    public var costSoFarUSD: Double
    /// The stage the context was read for.
    public var stageID: Int64
    /// The kit's further sources after `source`, in order (issue 17 item 1).
    public var extraSources: [SourceRecord] = []

    /// The record of the stage the context was read for.
    public var stage: StageRecord? { stages.first { $0.id == stageID } }
}

extension RefkitDatabase {
    /// Everything stage `stageID` of kit `kitID` is made from, in one read; nil when the kit is
    /// gone. (The kit is named, not looked up through the stage: a stage withdrawn meanwhile is
    /// found withdrawn when it starts, as any other.)
    public func stageContext(stageID: Int64, kitID: String) throws -> StageContext? {
        try pool.read { db in
            guard let kit = try Row.fetchOne(db, sql: "SELECT * FROM kits WHERE id = ?", arguments: [kitID]).map(Self.kitRecord)
            else { return nil }
            let source = try kit.sourceID.flatMap {
                try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ?", arguments: [$0]).map(Self.sourceRecord)
            }
            let stages = try Row.fetchAll(db, sql: "SELECT * FROM stages WHERE kit_id = ? ORDER BY id", arguments: [kitID])
                .map(Self.stageRecord)
            var context = StageContext(
                kit: kit, order: try Self.kitOrder(db, kitID: kitID), source: source,
                stages: stages, costSoFarUSD: try Self.kitSpend(db, kitID: kitID), stageID: stageID)
            context.extraSources = try Self.extraSources(db, kitID: kitID)
            return context
        }
    }
}
