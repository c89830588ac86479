import Foundation
import GRDB
import RefkitCore

/// One hook delivery as operators see it (`refkit hooks`, the web UI's Hooks page, the API): what
/// it announces and where it stands, without its body. The body holds the kit's summary and is
/// what the receiver is sent; a listing never needs it, so it is not even read.
public struct HookDeliveryView: Sendable, Equatable {
    /// The row's id (what `refkit hooks resend ID` takes).
    public var id: Int64
    /// The id the receiver dedupes on (`EVENT-HOOK`).
    public var deliveryID: String
    /// The hook's name.
    public var hook: String
    /// A POST to the hook's `url`, or a run of its `command`.
    public var action: HookDeliveryRecord.Action
    /// What it announces (`kit_complete`, `qa_failed`, ...).
    public var event: String
    /// The kit it is about.
    public var kitID: String
    /// The kit's name; nil once the kit was deleted (its deliveries stay until pruned).
    public var kitName: String?
    /// Pending, delivered or given up.
    public var status: HookDeliveryRecord.Status
    /// Attempts made so far.
    public var attempts: Int
    /// When a pending delivery is tried next (a `Timestamp` string); nil when settled.
    public var nextAt: String?
    /// Why the last failed attempt failed.
    public var lastError: String?
    /// When it was stored.
    public var createdAt: String
    /// When it last changed.
    public var updatedAt: String
}

/// What a listing of deliveries is narrowed to; nil is "any". Applied in SQL, newest first.
public struct HookDeliveryFilter: Sendable, Equatable {
    /// One hook's deliveries.
    public var hook: String?
    /// Deliveries in one state.
    public var status: HookDeliveryRecord.Status?
    /// One kit's deliveries: its id, name or slug (a deleted kit's by its id).
    public var kit: String?
    /// At most this many (1 or more).
    public var limit: Int

    /// A filter; the defaults list the newest 50 of every hook.
    public init(hook: String? = nil, status: HookDeliveryRecord.Status? = nil, kit: String? = nil, limit: Int = 50) {
        self.hook = hook
        self.status = status
        self.kit = kit
        self.limit = limit
    }
}

/// One hook's deliveries counted by state.
public struct HookDeliveryCounts: Sendable, Equatable {
    /// The hook's name.
    public var hook: String
    /// Deliveries waiting to be sent (first or again).
    public var pending: Int
    /// Deliveries the receiver took.
    public var delivered: Int
    /// Deliveries given up after their attempts.
    public var failed: Int
    /// When the oldest pending delivery was stored; nil when none is pending.
    public var oldestPending: String?

    /// Counts of `hook`.
    public init(hook: String, pending: Int = 0, delivered: Int = 0, failed: Int = 0, oldestPending: String? = nil) {
        self.hook = hook
        self.pending = pending
        self.delivered = delivered
        self.failed = failed
        self.oldestPending = oldestPending
    }

    /// The counts of every hook in the store, with a zero line for each configured hook that has
    /// no delivery yet (so a hook that was never told anything is seen as such), by hook name.
    public static func including(configured names: [String], _ counts: [HookDeliveryCounts]) -> [HookDeliveryCounts] {
        let stored = Set(counts.map(\.hook))
        let missing = names.filter { !stored.contains($0) }.map { HookDeliveryCounts(hook: $0) }
        return (counts + missing).sorted { $0.hook < $1.hook }
    }
}

/// Reads of the hooks' deliveries for operators, and the re-send of given-up ones.
extension RefkitDatabase {
    /// The deliveries `filter` selects, newest first (by id: deliveries are stored in event order).
    public func hookDeliveryViews(_ filter: HookDeliveryFilter = HookDeliveryFilter()) throws -> [HookDeliveryView] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.hookViewColumns) FROM hook_deliveries d LEFT JOIN kits k ON k.id = d.kit_id
                    WHERE (?1 IS NULL OR d.hook = ?1) AND (?2 IS NULL OR d.status = ?2)
                    \(filter.kit == nil ? "" : Self.kitClause)
                    ORDER BY d.id DESC LIMIT ?4
                    """,
                arguments: [filter.hook, filter.status?.rawValue, filter.kit, max(1, filter.limit)]
            ).map(Self.hookDeliveryView)
        }
    }

    /// A kit's deliveries by its id (a deleted kit's too), name or slug, through `hook_deliveries_kit`.
    static let kitClause = "AND d.kit_id IN (SELECT id FROM kits WHERE name = ?3 OR slug = ?3 UNION SELECT ?3)"

    /// One delivery's view; nil when no delivery has this id.
    public func hookDeliveryView(id: Int64) throws -> HookDeliveryView? {
        try pool.read { db in try Self.hookDeliveryView(db, id: id) }
    }

    /// Each hook's deliveries counted by state (of `hook` only, when given), by hook name.
    public func hookDeliveryCounts(hook: String? = nil) throws -> [HookDeliveryCounts] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT hook, sum(status = 'pending') AS pending, sum(status = 'delivered') AS delivered,
                      sum(status = 'failed') AS failed, min(CASE WHEN status = 'pending' THEN created_at END) AS oldest
                    FROM hook_deliveries WHERE (?1 IS NULL OR hook = ?1) GROUP BY hook ORDER BY hook
                    """,
                arguments: [hook]
            ).map { row in
                HookDeliveryCounts(
                    hook: row["hook"], pending: row["pending"], delivered: row["delivered"], failed: row["failed"],
                    oldestPending: row["oldest"])
            }
        }
    }

    /// The ids of every given-up delivery (of `hook` only, when given), oldest first: what
    /// `refkit hooks resend --failed` sends again.
    public func failedHookDeliveryIDs(hook: String? = nil) throws -> [Int64] {
        try pool.read { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM hook_deliveries WHERE status = 'failed' AND (?1 IS NULL OR hook = ?1) ORDER BY id",
                arguments: [hook])
        }
    }

    /// Puts the given-up deliveries `ids` back to pending, due at `now`, their attempts kept (so
    /// one that fails again is given up again at once: a re-send is one more try, not another
    /// round of back-off), and logs a `hook_resent` event for each saying `by` whom. All or
    /// nothing, in one transaction: an unknown id is `hook_delivery_unknown`, one pending or
    /// delivered `hook_delivery_not_failed`, and then none is re-sent. The running daemon's
    /// dispatcher sends them at its next pass (it reads the events and what is due every tick).
    /// Returns the deliveries as they are now.
    @discardableResult
    public func resendHookDeliveries(ids: [Int64], by: String, now: Date = Date()) throws -> [HookDeliveryView] {
        let at = Timestamp.string(now)
        return try pool.write { db in
            var requeued: [HookDeliveryView] = []
            for id in ids {
                guard let view = try Self.hookDeliveryView(db, id: id) else {
                    throw RefkitError(.hookDeliveryUnknown, "no hook delivery has the id \(id) (see `refkit hooks`)")
                }
                guard view.status == .failed else {
                    let why = view.status == .pending ? "it is still pending: it is sent when due" : "it was delivered"
                    throw RefkitError(.hookDeliveryNotFailed, "delivery \(id) (\(view.deliveryID)) cannot be sent again: \(why)")
                }
                try db.execute(
                    sql: "UPDATE hook_deliveries SET status = 'pending', next_at = ?, updated_at = ? WHERE id = ? AND status = 'failed'",
                    arguments: [at, at, id])
                try Self.appendEvent(
                    db, kitID: view.kitID, watch: nil, subject: view.deliveryID, type: .hookResent,
                    message: "hook \(view.hook) (\(view.action.rawValue)) re-sent by \(by) after \(view.attempts) attempt(s)")
                if let now = try Self.hookDeliveryView(db, id: id) { requeued.append(now) }
            }
            return requeued
        }
    }

    /// The columns a view reads: never `payload`.
    private static let hookViewColumns = """
        d.id, d.hook, d.action, d.event_id, d.event, d.kit_id, k.name AS kit_name, d.status, d.attempts, d.next_at,
        d.last_error, d.created_at, d.updated_at
        """

    private static func hookDeliveryView(_ db: Database, id: Int64) throws -> HookDeliveryView? {
        try Row.fetchOne(
            db, sql: "SELECT \(hookViewColumns) FROM hook_deliveries d LEFT JOIN kits k ON k.id = d.kit_id WHERE d.id = ?",
            arguments: [id]
        ).map(hookDeliveryView)
    }

    private static func hookDeliveryView(_ row: Row) throws -> HookDeliveryView {
        let status = try StoredValue.decode(row, "status", in: "hook_deliveries", HookDeliveryRecord.Status.init(rawValue:))
        let hook: String = row["hook"]
        return HookDeliveryView(
            id: row["id"], deliveryID: HookDeliveryRecord.deliveryID(eventID: row["event_id"], hook: hook), hook: hook,
            action: try StoredValue.decode(row, "action", in: "hook_deliveries", HookDeliveryRecord.Action.init(rawValue:)),
            event: row["event"], kitID: row["kit_id"], kitName: row["kit_name"], status: status, attempts: row["attempts"],
            nextAt: status == .pending ? row["next_at"] : nil, lastError: row["last_error"], createdAt: row["created_at"],
            updatedAt: row["updated_at"])
    }
}
