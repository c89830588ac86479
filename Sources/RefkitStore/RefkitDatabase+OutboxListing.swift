import GRDB
import RefkitCore

/// One published kit as an outbox's `index.html` lists it.
public struct OutboxListing: Sendable, Equatable {
    public var name: String
    /// The kit's folder (absolute, as published).
    public var outboxDir: String
    public var status: KitStatus
    public var createdAt: String
    /// A made reference failed QA (`refkit kits --needs-review`).
    public var needsReview: Bool
}

extension RefkitDatabase {
    /// The published kits of one watch, newest first, with only what the index shows, in one
    /// query: the publisher rewrites the index after every publish, so this read is paid per kit.
    public func outboxListing(watch: String) throws -> [OutboxListing] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT k.name, k.outbox_dir, k.status, k.created_at, \(Self.needsReviewSQL) AS review
                    FROM kits k WHERE k.watch = ? AND k.outbox_dir IS NOT NULL
                    ORDER BY k.created_at DESC, k.id DESC
                    """,
                arguments: [watch]
            ).map { row in
                OutboxListing(
                    name: row["name"], outboxDir: row["outbox_dir"],
                    status: try StoredValue.decode(row, "status", in: "kits", KitStatus.init(rawValue:)), createdAt: row["created_at"],
                    needsReview: row["review"])
            }
        }
    }
}
