import Foundation
import GRDB
import RefkitCore

/// One delivery of a `[[hook]]`: one hook's one action (a POST or a command) for one event.
public struct HookDeliveryRecord: Sendable, Equatable {
    public enum Action: String, Sendable, Equatable { case url, command }
    public enum Status: String, Sendable, Equatable { case pending, delivered, failed }

    public var id: Int64
    public var hook: String
    public var action: Action
    /// The id in the events table of what it announces.
    public var eventID: Int64
    /// What it announces (`kit_complete`, `qa_failed`, ...).
    public var event: String
    public var kitID: String
    public var status: Status
    /// Attempts made so far.
    public var attempts: Int
    /// When a pending delivery is due (a `Timestamp` string).
    public var nextAt: String
    public var lastError: String?
    /// The body every attempt sends.
    public var payload: String
    public var createdAt: String
    public var updatedAt: String

    /// The id a receiver dedupes on: the same for every attempt, across restarts, and for both
    /// actions of one hook (they announce the same thing).
    public var deliveryID: String { HookDeliveryRecord.deliveryID(eventID: eventID, hook: hook) }

    /// `EVENT-HOOK`, e.g. `1234-chat`; hook names are safe identifiers, so it needs no escaping.
    public static func deliveryID(eventID: Int64, hook: String) -> String { "\(eventID)-\(hook)" }
}

/// A delivery the dispatcher found in the events, to be stored once.
public struct NewHookDelivery: Sendable, Equatable {
    public var hook: String
    public var action: HookDeliveryRecord.Action
    public var eventID: Int64
    public var event: String
    public var kitID: String
    public var payload: String

    public init(hook: String, action: HookDeliveryRecord.Action, eventID: Int64, event: String, kitID: String, payload: String) {
        self.hook = hook
        self.action = action
        self.eventID = eventID
        self.event = event
        self.kitID = kitID
        self.payload = payload
    }
}

/// What one attempt of a delivery came to.
public enum HookAttemptRecord: Sendable, Equatable {
    case delivered
    /// Pending again, due at `at`.
    case retry(at: Date, error: String)
    /// Given up.
    case failed(error: String)
}

/// The hooks' deliveries and their cursor over the events table: the dispatcher inserts what it
/// found and moves the cursor in one transaction, then sends what is due and records each attempt.
extension RefkitDatabase {
    /// The last event id the hooks have looked at; nil before the dispatcher ever ran.
    public func hookCursor() throws -> Int64? {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT last_event_id FROM hook_cursor WHERE id = 1") }
    }

    /// Stores `deliveries` (one already stored for its hook, action and event is left as it is)
    /// and moves the cursor to `cursor`, together: a crash before leaves both as they were, after
    /// leaves both done. Returns how many were new.
    @discardableResult
    public func recordHookDeliveries(_ deliveries: [NewHookDelivery], cursor: Int64, now: Date = Date()) throws -> Int {
        let at = Timestamp.string(now)
        return try pool.write { db in
            var inserted = 0
            for d in deliveries {
                try db.execute(
                    sql: """
                        INSERT INTO hook_deliveries (hook, action, event_id, event, kit_id, next_at, payload, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hook, action, event_id) DO NOTHING
                        """, arguments: [d.hook, d.action.rawValue, d.eventID, d.event, d.kitID, at, d.payload, at, at])
                inserted += db.changesCount
            }
            // Never backwards: two dispatchers (a restart overlapping) cannot make events seen twice.
            try db.execute(
                sql: """
                    INSERT INTO hook_cursor (id, last_event_id) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET last_event_id = max(last_event_id, excluded.last_event_id)
                    """, arguments: [cursor])
            return inserted
        }
    }

    /// Pending deliveries due at `now`, oldest event first.
    public func dueHookDeliveries(now: Date = Date(), limit: Int = 100) throws -> [HookDeliveryRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM hook_deliveries WHERE status = 'pending' AND next_at <= ? ORDER BY event_id, id LIMIT ?",
                arguments: [Timestamp.string(now), max(0, limit)]
            ).map(Self.hookDeliveryRecord)
        }
    }

    /// When the next pending delivery is due; nil when none is pending.
    public func nextHookDeliveryAt() throws -> Date? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT min(next_at) FROM hook_deliveries WHERE status = 'pending'").flatMap(Timestamp.date)
        }
    }

    /// Every delivery (of one hook, when given), oldest first: for tests and `refkit` reports.
    public func hookDeliveries(hook: String? = nil) throws -> [HookDeliveryRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hook_deliveries WHERE (? IS NULL OR hook = ?) ORDER BY id", arguments: [hook, hook])
                .map(Self.hookDeliveryRecord)
        }
    }

    /// Records the attempt that just ended (`attempts` made in all). Only a pending delivery
    /// changes: one already settled stays as it was.
    public func recordHookAttempt(id: Int64, attempts: Int, _ outcome: HookAttemptRecord, now: Date = Date()) throws {
        let at = Timestamp.string(now)
        let (status, nextAt, error): (HookDeliveryRecord.Status, String?, String?) =
            switch outcome {
            case .delivered: (.delivered, nil, nil)
            case .retry(let due, let error): (.pending, Timestamp.string(due), error)
            case .failed(let error): (.failed, nil, error)
            }
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE hook_deliveries SET status = ?, attempts = ?, next_at = coalesce(?, next_at),
                    last_error = coalesce(?, last_error), updated_at = ? WHERE id = ? AND status = 'pending'
                    """, arguments: [status.rawValue, attempts, nextAt, error, at, id])
        }
    }

    /// Removes deliveries settled (delivered or given up) before `before`; pending ones stay
    /// whatever their age. Returns how many went.
    @discardableResult
    public func pruneHookDeliveries(settledBefore before: Date) throws -> Int {
        try pool.write { db in
            try db.execute(
                sql: "DELETE FROM hook_deliveries WHERE status != 'pending' AND updated_at < ?", arguments: [Timestamp.string(before)])
            return db.changesCount
        }
    }

    static func hookDeliveryRecord(_ row: Row) throws -> HookDeliveryRecord {
        let action: String = row["action"]
        let status: String = row["status"]
        guard let a = HookDeliveryRecord.Action(rawValue: action), let s = HookDeliveryRecord.Status(rawValue: status) else {
            throw RefkitError(.internalError, "hook_deliveries row \(row["id"] as Int64) has action \(action) and status \(status)")
        }
        return HookDeliveryRecord(
            id: row["id"], hook: row["hook"], action: a, eventID: row["event_id"], event: row["event"], kitID: row["kit_id"], status: s,
            attempts: row["attempts"], nextAt: row["next_at"], lastError: row["last_error"], payload: row["payload"],
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
