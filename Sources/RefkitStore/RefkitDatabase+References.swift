import GRDB
import RefkitCore

extension StageRecord {
    /// Whether this stage's result was made from an earlier locked reference than the kit's
    /// `generation` (the kit's avatar was chosen again, or regenerated, after it was made).
    public func madeFromEarlierReference(kitGeneration generation: Int) -> Bool {
        guard status == .done, let made = referenceGeneration else { return false }
        return made < generation
    }
}

/// Generations of a kit's locked reference: which one each stage was made from, and remaking
/// what an earlier one made.
extension RefkitDatabase {
    /// Kits with nothing left to run that are not finished, but for those whose last publish
    /// met a full outbox (they wait for `disk_full_retry_s`): what a command such as a
    /// re-selection leaves for the daemon to publish.
    public func kitsChangedWithNothingToRun() throws -> [String] {
        try kitsWithNothingToRun(waitingToPublish: false)
    }

    /// The stages of `kit` made from an earlier locked reference than `generation`.
    static func earlierViews(kit: KitRecord, stages: [StageRecord], generation: Int) -> [Stage] {
        stages.filter { $0.madeFromEarlierReference(kitGeneration: generation) }.map(\.stage)
    }

    /// Queues again every stage made from an earlier locked reference than the kit's (those
    /// being made right now are left alone: they are marked when they end). Returns their names.
    static func remakeEarlierViews(_ db: Database, kit: KitRecord, stages: [StageRecord], now: String) throws -> [Stage] {
        let earlier = stages.filter { $0.madeFromEarlierReference(kitGeneration: kit.referenceGeneration) }
        for stage in earlier { try queueAgain(db, stage, now: now) }
        if !earlier.isEmpty { try requeue(db, kit, now: now) }
        return earlier.map(\.stage)
    }

    /// One stage made again with a new seed: its result goes to the history, it waits again.
    static func queueAgain(_ db: Database, _ stage: StageRecord, now: String) throws {
        try archive(db, stage, now: now)
        try db.execute(
            sql: """
                UPDATE stages SET status = 'pending', generation = generation + 1, attempts = 0, cost_usd = 0, duration_ms = 0,
                    error_code = NULL, error_message = NULL, updated_at = ?
                WHERE id = ?
                """,
            arguments: [now, stage.id])
    }
}
