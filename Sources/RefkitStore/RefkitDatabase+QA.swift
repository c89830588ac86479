import Foundation
import GRDB
import RefkitCore
import RefkitQA

/// QA's records: a stage's checks (`stages.qa`, `stages.qa_verdict`), the money of attempts it
/// rejected, and the kits a person should look at.
extension RefkitDatabase {
    static func qaJSON(_ record: QAStageRecord) -> String {
        record.jsonValue.serialized
    }

    /// Writes a done stage's QA record (only while it is done, and still `file` when one is
    /// given: a stage remade meanwhile keeps its own); true when it did.
    static func writeQA(_ db: Database, stageID: Int64, file: String?, qa: QAStageRecord, now: String) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE stages SET qa = ?, qa_verdict = ?, updated_at = ?
                WHERE id = ? AND status = 'done' AND (? IS NULL OR file = ?)
                """,
            arguments: [qaJSON(qa), qa.verdict.rawValue, now, stageID, file, file])
        return db.changesCount == 1
    }

    /// An attempt of a running stage that QA looked at (kept or not) was paid `costUSD`: the
    /// money moves onto the stage row now, so the next attempt's start (which unties what the
    /// stage's calls spent) leaves it counted once, on the stage that spent it.
    public func keepAttemptCost(stageID: Int64, costUSD: Double) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE stages SET cost_usd = cost_usd + ?, updated_at = ? WHERE id = ? AND status = 'running'",
                arguments: [costUSD, Self.now(), stageID])
            guard db.changesCount == 1 else { return }
            try db.execute(sql: "DELETE FROM budget_reservations WHERE stage_id = ?", arguments: [stageID])
        }
    }

    /// Replaces a done stage's QA record (`refkit qa` after a threshold change). False when the
    /// stage is not done (it was remade meanwhile).
    @discardableResult
    public func setStageQA(stageID: Int64, qa: QAStageRecord) throws -> Bool {
        try pool.write { db in try Self.writeQA(db, stageID: stageID, file: nil, qa: qa, now: Self.now()) }
    }

    /// True, in SQL, for a kit `k` with a made reference whose QA verdict is `fail`
    /// (`refkit kits --needs-review`): one definition for every query that asks.
    static let needsReviewSQL = "EXISTS (SELECT 1 FROM stages s WHERE s.kit_id = k.id AND s.qa_verdict = 'fail' AND s.status = 'done')"

    /// Kits with at least one reference whose QA verdict is `fail`, oldest first.
    public func kitsNeedingReview() throws -> [KitRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM kits k WHERE \(Self.needsReviewSQL) ORDER BY k.created_at, k.id").map(Self.kitRecord)
        }
    }
}

extension RefkitDatabase {
    /// The subject a judge call's budget reservation carries (`qaSpend` sums them).
    public static func judgeSubject(_ stage: Stage) -> String { "qa judge: \(stage.name)" }

    /// What the kit's judge calls cost (`qaSpend(ofKits:)`'s query for one kit).
    public func qaSpend(kitID: String) throws -> Double {
        try qaSpend(ofKits: [kitID])[kitID] ?? 0
    }
}

extension RefkitDatabase {
    /// Records what `refkit qa` found again in a kit's made references, in one transaction; a
    /// finished kit goes back to be published (its status may change: a reference that fails
    /// now makes it partial, one that passes now may make it complete), by the running daemon or
    /// at its next start. Stages remade meanwhile (not done any more, or another file) are left.
    /// Returns how many records changed.
    @discardableResult
    public func recordRecheck(kitID: String, records: [(stageID: Int64, file: String, qa: QAStageRecord)]) throws -> Int {
        try pool.write { db in
            let now = Self.now()
            var changed = 0
            for (stageID, file, qa) in records where try Self.writeQA(db, stageID: stageID, file: file, qa: qa, now: now) {
                changed += 1
            }
            guard let kit = try Row.fetchOne(db, sql: "SELECT * FROM kits WHERE id = ?", arguments: [kitID]).map(Self.kitRecord) else {
                return changed
            }
            if kit.status == .complete || kit.status == .partial {
                try Self.requeue(db, kit, now: now)
            }
            try Self.appendEvent(db, kitID: kitID, watch: kit.watch, subject: nil, type: .qaRechecked, message: "\(changed) reference(s)")
            return changed
        }
    }
}
