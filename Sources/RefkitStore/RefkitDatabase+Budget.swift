import GRDB
import RefkitCore

/// What a paid call asks of the budgets when it starts: its price, and the ceilings it must fit under.
public struct BudgetClaim: Sendable, Equatable {
    public var budget: Budget
    public var priceUSD: Double

    public init(budget: Budget, priceUSD: Double) {
        self.budget = budget
        self.priceUSD = priceUSD
    }
}

/// Spend is counted in one place: what stages recorded, what their replaced results recorded
/// (`stage_history`), and `budget_reservations` (calls in flight, and paid calls whose result is
/// not a done stage). Reservations are taken inside the write transaction that checks them, so
/// two calls can never both fit in the same last dollar.
extension RefkitDatabase {
    /// Everything a kit has spent or reserved.
    public func kitCost(kitID: String) throws -> Double {
        try pool.read { db in try Self.kitSpend(db, kitID: kitID) }
    }

    /// Spent or reserved today (UTC) in one watch, or in every watch when `watch` is nil.
    public func spendToday(watch: String?) throws -> Double {
        try pool.read { db in try Self.daySpend(db, watch: watch) }
    }

    static func kitSpend(_ db: Database, kitID: String) throws -> Double {
        try Double.fetchOne(
            db,
            sql: """
                SELECT coalesce((SELECT sum(cost_usd) FROM stages WHERE kit_id = ?1), 0)
                     + coalesce((SELECT sum(cost_usd) FROM stage_history WHERE kit_id = ?1), 0)
                     + coalesce((SELECT sum(usd) FROM budget_reservations WHERE kit_id = ?1), 0)
                """,
            arguments: [kitID]) ?? 0
    }

    static func daySpend(_ db: Database, watch: String?) throws -> Double {
        // A reservation counts whenever it was taken: its call ends (and is recorded) today.
        try Double.fetchOne(
            db,
            sql: """
                SELECT coalesce((SELECT sum(s.cost_usd) FROM stages s JOIN kits k ON k.id = s.kit_id
                                 WHERE (?1 IS NULL OR k.watch = ?1) AND s.updated_at >= ?2), 0)
                     + coalesce((SELECT sum(h.cost_usd) FROM stage_history h JOIN kits k ON k.id = h.kit_id
                                 WHERE (?1 IS NULL OR k.watch = ?1) AND h.ended_at >= ?2), 0)
                     + coalesce((SELECT sum(r.usd) FROM budget_reservations r JOIN kits k ON k.id = r.kit_id
                                 WHERE (?1 IS NULL OR k.watch = ?1) AND (r.state = 'reserved' OR r.at >= ?2)), 0)
                     + coalesce((SELECT sum(d.usd_today) FROM deleted_kit_spend d
                                 WHERE (?1 IS NULL OR d.watch = ?1) AND d.at >= ?2), 0)
                """,
            arguments: [watch, Timestamp.day()]) ?? 0
    }

    /// Before a kit is deleted: what it counted toward its watch's day stays counted (its rows
    /// go with it, the money does not come back).
    static func keepDaySpendOfDeletedKit(_ db: Database, kitID: String, watch: String) throws {
        let usd =
            try Double.fetchOne(
                db,
                sql: """
                    SELECT coalesce((SELECT sum(cost_usd) FROM stages WHERE kit_id = ?1 AND updated_at >= ?2), 0)
                         + coalesce((SELECT sum(cost_usd) FROM stage_history WHERE kit_id = ?1 AND ended_at >= ?2), 0)
                         + coalesce((SELECT sum(usd) FROM budget_reservations WHERE kit_id = ?1 AND (state = 'reserved' OR at >= ?2)), 0)
                    """,
                arguments: [kitID, Timestamp.day()]) ?? 0
        guard usd > 0 else { return }
        try db.execute(
            sql: "INSERT INTO deleted_kit_spend (kit_id, watch, usd_today, at) VALUES (?, ?, ?, ?)", arguments: [kitID, watch, usd, now()])
    }

    /// Checks `claim` against the kit's and its watch's spend (recorded plus reserved) and
    /// reserves its price; throws the budget's refusal (`budget_kit_exceeded`,
    /// `budget_day_exceeded`). Run inside the write transaction that starts the call.
    static func reserve(_ db: Database, _ claim: BudgetClaim, kitID: String, stageID: Int64?, subject: String) throws -> Int64? {
        guard claim.priceUSD > 0, try String.fetchOne(db, sql: "SELECT watch FROM kits WHERE id = ?", arguments: [kitID]) != nil
        else { return nil }
        if let refusal = try refusal(db, claim, kitID: kitID) { throw refusal }
        try db.execute(
            sql: "INSERT INTO budget_reservations (kit_id, stage_id, subject, state, usd, at) VALUES (?, ?, ?, 'reserved', ?, ?)",
            arguments: [kitID, stageID, subject, claim.priceUSD, now()])
        return db.lastInsertedRowID
    }

    /// The budget's refusal of `claim` against the kit's and its watch's spend (recorded plus
    /// reserved); nil when it fits, or when the kit is gone.
    static func refusal(_ db: Database, _ claim: BudgetClaim, kitID: String) throws -> RefkitError? {
        guard let watch = try String.fetchOne(db, sql: "SELECT watch FROM kits WHERE id = ?", arguments: [kitID]) else { return nil }
        return claim.budget.refusal(
            price: claim.priceUSD, kitSpendUSD: try kitSpend(db, kitID: kitID), daySpendUSD: try daySpend(db, watch: watch))
    }

    /// Whether `claim` would be refused now (QA asks before it makes a reference again); the
    /// reservation itself is still taken, and checked again, when the call starts.
    public func budgetRefusal(kitID: String, claim: BudgetClaim) throws -> RefkitError? {
        try pool.read { db in try Self.refusal(db, claim, kitID: kitID) }
    }

    /// A stage's previous call has ended: its reservation (if the call was not paid) is released,
    /// and money it did spend stays counted without being tied to the stage any more.
    static func settleStageCalls(_ db: Database, stageID: Int64) throws {
        try db.execute(sql: "DELETE FROM budget_reservations WHERE stage_id = ? AND state = 'reserved'", arguments: [stageID])
        try db.execute(sql: "UPDATE budget_reservations SET stage_id = NULL WHERE stage_id = ? AND state = 'spent'", arguments: [stageID])
    }

    /// The running call of a stage was paid (the provider answered with an image, usable or
    /// not): its reservation becomes spend at the price charged. It moves onto the stage row when
    /// the stage completes; otherwise it stays counted here.
    public func recordPaidCall(stageID: Int64, costUSD: Double) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE budget_reservations SET state = 'spent', usd = ?, at = ? WHERE stage_id = ? AND state = 'reserved'",
                arguments: [costUSD, Self.now(), stageID])
        }
    }

    /// The running call of a stage timed out: the provider got the request and may have made,
    /// and billed, the image after refkit stopped waiting. Its reservation becomes spend, no
    /// longer tied to the stage (so neither a retry, a fallback nor the stage's end releases it).
    public func keepTimedOutCall(stageID: Int64) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE budget_reservations SET state = 'spent', stage_id = NULL, subject = subject || ' (timed out)', at = ?
                    WHERE stage_id = ? AND state = 'reserved'
                    """,
                arguments: [Self.now(), stageID])
        }
    }

    /// Reserves the price of another call of a running stage (a retry) against the kit's and the
    /// day's budgets; throws the refusal.
    public func reserveAnotherCall(stageID: Int64, kitID: String, claim: BudgetClaim) throws {
        try pool.write { db in
            let name = try String.fetchOne(db, sql: "SELECT stage FROM stages WHERE id = ?", arguments: [stageID]) ?? ""
            _ = try Self.reserve(db, claim, kitID: kitID, stageID: stageID, subject: name)
        }
    }

    /// Reserves the price of a call that is not a stage's (the analyzer's) against the kit's
    /// and the day's budgets; throws the refusal. Nil when the call is free.
    public func reserveBudget(kitID: String, subject: String, claim: BudgetClaim) throws -> Int64? {
        try pool.write { db in try Self.reserve(db, claim, kitID: kitID, stageID: nil, subject: subject) }
    }

    /// Ends a reservation from `reserveBudget`: spent at `costUSD` when the call was paid, else released.
    public func settleReservation(id: Int64, spentUSD costUSD: Double?) throws {
        try pool.write { db in
            if let costUSD {
                try db.execute(
                    sql: "UPDATE budget_reservations SET state = 'spent', usd = ?, at = ? WHERE id = ?",
                    arguments: [costUSD, Self.now(), id])
            } else {
                try db.execute(sql: "DELETE FROM budget_reservations WHERE id = ? AND state = 'reserved'", arguments: [id])
            }
        }
    }
}
