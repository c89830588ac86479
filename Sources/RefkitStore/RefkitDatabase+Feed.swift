import GRDB
import RefkitCore

/// What a live view reads (issue 16): the event log after a known id (Server-Sent Events resume
/// from `Last-Event-ID` with it: every event once, in order), and kits a page at a time.
extension RefkitDatabase {
    /// Events with an id above `id`, oldest first, at most `limit`.
    public func events(after id: Int64, limit: Int = 500) throws -> [EventRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, max(0, limit)])
                .map(Self.eventRecord)
        }
    }

    /// The id of the newest event (0 when there is none): where a new subscriber starts.
    public func lastEventID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM events") ?? 0 }
    }

    static func eventRecord(_ row: Row) -> EventRecord {
        EventRecord(
            id: row["id"], at: row["at"], kitID: row["kit_id"], watch: row["watch"], subject: row["subject"], type: row["type"],
            code: row["code"], message: row["message"])
    }

    /// Which kits a page lists.
    public struct KitFilter: Sendable, Equatable {
        public var status: KitStatus?
        public var watch: String?
        /// Only kits with a reference that failed QA.
        public var needsReview = false

        public init(status: KitStatus? = nil, watch: String? = nil, needsReview: Bool = false) {
            self.status = status
            self.watch = watch
            self.needsReview = needsReview
        }
    }

    /// One page of kits, newest first: `limit` kits made before the kit `before` (an id; nil:
    /// the newest), and whether more follow. Keyset paging: a page costs the same at kit 10,000
    /// as at kit 1, and kits added meanwhile never shift a page.
    public func kitPage(
        _ filter: KitFilter = KitFilter(), before: String? = nil, limit: Int = 50
    ) throws -> (
        kits: [KitRecord], more: Bool
    ) {
        try pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let status = filter.status {
                conditions.append("k.status = ?")
                arguments += [status.rawValue]
            }
            if let watch = filter.watch {
                conditions.append("k.watch = ?")
                arguments += [watch]
            }
            if filter.needsReview {
                conditions.append(Self.needsReviewSQL)
            }
            if let before, let anchor = try Row.fetchOne(db, sql: "SELECT created_at, id FROM kits WHERE id = ?", arguments: [before]) {
                conditions.append("(k.created_at < ? OR (k.created_at = ? AND k.id < ?))")
                let at: String = anchor["created_at"]
                arguments += [at, at, before]
            }
            let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [max(0, limit) + 1]
            let rows = try Row.fetchAll(
                db, sql: "SELECT k.* FROM kits k \(clause) ORDER BY k.created_at DESC, k.id DESC LIMIT ?", arguments: arguments)
            let kits = try rows.prefix(max(0, limit)).map(Self.kitRecord)
            return (kits, rows.count > max(0, limit))
        }
    }
}
