import Foundation
import GRDB
import RefkitCore

/// One night's `refkit civitai` run.
public struct CivitaiBatchRecord: Sendable, Equatable {
    public var id: Int64
    public var inbox: String
    public var requested: Int
    public var written: Int
    public var startedAt: String
    /// When the fetch ended (nil while `refkit civitai` runs, or when it stopped midway).
    public var fetchedAt: String?
    /// When every image of the batch had ended as a kit (or was rejected) and the summary was made.
    public var finishedAt: String?
    /// The summary document (JSON), once finished.
    public var summary: String?
}

/// An image a batch wrote into the inbox, with what became of it so far.
public struct CivitaiBatchImage: Sendable, Equatable {
    public var imageID: Int64
    public var sha256: String
    public var kit: String
    public var fileName: String
    public var writtenAt: String
    /// The kit made from it (matched by the source's sha256), if intake took it in.
    public var kitID: String?
    public var kitStatus: KitStatus?
    public var kitUpdatedAt: String?
    /// The kit's content rating, once known.
    public var kitContentRating: ContentRating?
    /// The kit's stages (empty without a kit).
    public var stages: [StageRecord]
    /// The intake rejection of its file, if the daemon rejected it.
    public var rejectionCode: String?
}

/// How a Civitai image ended up in the seen-set.
public enum CivitaiSeenOutcome: String, Sendable {
    /// Written into the inbox with its order.
    case written
    /// Its bytes were already written under another id.
    case duplicate
    /// Fetched but unusable for good (not an image, too large, too small): never fetched again.
    case rejected
}

extension RefkitDatabase {
    // MARK: - Seen-set

    /// Which of these Civitai image ids were seen on an earlier run.
    public func civitaiSeen(imageIDs: [Int64]) throws -> Set<Int64> {
        guard !imageIDs.isEmpty else { return [] }
        return try pool.read { db in
            var seen = Set<Int64>()
            // Chunks keep the statement under SQLite's variable limit.
            for start in stride(from: 0, to: imageIDs.count, by: 500) {
                let chunk = Array(imageIDs[start..<min(start + 500, imageIDs.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                seen.formUnion(
                    try Int64.fetchAll(
                        db, sql: "SELECT image_id FROM civitai_seen WHERE image_id IN (\(marks))", arguments: StatementArguments(chunk)))
            }
            return seen
        }
    }

    /// The image id that was written with these bytes, if any.
    public func civitaiImage(sha256: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT image_id FROM civitai_seen WHERE sha256 = ? AND outcome = 'written' ORDER BY seen_at LIMIT 1",
                arguments: [sha256])
        }
    }

    /// Adds an image that was not written (a duplicate, or unusable for good) to the seen-set.
    public func recordCivitaiSeen(imageID: Int64, sha256: String?, outcome: CivitaiSeenOutcome, code: String?, batchID: Int64?) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO civitai_seen (image_id, sha256, outcome, code, batch_id, seen_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (image_id) DO NOTHING
                    """,
                arguments: [imageID, sha256, outcome.rawValue, code, batchID, Self.now()])
        }
    }

    // MARK: - Batches

    /// Starts a batch; returns its id.
    public func startCivitaiBatch(inbox: String, requested: Int) throws -> Int64 {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO civitai_batches (inbox, requested, started_at) VALUES (?, ?, ?)",
                arguments: [inbox, requested, Self.now()])
            let id = db.lastInsertedRowID
            try Self.appendEvent(db, kitID: nil, watch: nil, subject: "civitai-batch-\(id)", type: .civitaiBatchStarted)
            return id
        }
    }

    /// Records an image written into the inbox (after its files are in place): it joins the
    /// batch and the seen-set in one transaction.
    public func recordCivitaiWritten(batchID: Int64, imageID: Int64, sha256: String, kit: String, fileName: String) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(
                sql: """
                    INSERT INTO civitai_seen (image_id, sha256, outcome, batch_id, seen_at) VALUES (?, ?, 'written', ?, ?)
                    ON CONFLICT (image_id) DO UPDATE SET sha256 = excluded.sha256, outcome = 'written', code = NULL,
                        batch_id = excluded.batch_id, seen_at = excluded.seen_at
                    """,
                arguments: [imageID, sha256, batchID, now])
            try db.execute(
                sql: """
                    INSERT INTO civitai_batch_images (batch_id, image_id, sha256, kit, file_name, written_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (batch_id, image_id) DO NOTHING
                    """,
                arguments: [batchID, imageID, sha256, kit, fileName, now])
            try db.execute(
                sql: "UPDATE civitai_batches SET written = (SELECT count(*) FROM civitai_batch_images WHERE batch_id = ?) WHERE id = ?",
                arguments: [batchID, batchID])
        }
    }

    /// Marks the end of a batch's fetch. A batch that wrote nothing is finished at once with `summary`.
    public func finishCivitaiFetch(batchID: Int64, emptySummary: String) throws {
        try pool.write { db in
            let now = Self.now()
            try db.execute(sql: "UPDATE civitai_batches SET fetched_at = ? WHERE id = ?", arguments: [now, batchID])
            try db.execute(
                sql: "UPDATE civitai_batches SET finished_at = ?, summary = ? WHERE id = ? AND written = 0 AND finished_at IS NULL",
                arguments: [now, emptySummary, batchID])
        }
    }

    /// Batches whose fetch ended but whose summary is not made yet, oldest first.
    public func openCivitaiBatches() throws -> [CivitaiBatchRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM civitai_batches WHERE fetched_at IS NOT NULL AND finished_at IS NULL ORDER BY id")
                .map(Self.batchRecord)
        }
    }

    /// The most recent batches, newest first.
    public func civitaiBatches(limit: Int = 10) throws -> [CivitaiBatchRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM civitai_batches ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.batchRecord)
        }
    }

    public func civitaiBatch(id: Int64) throws -> CivitaiBatchRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM civitai_batches WHERE id = ?", arguments: [id]).map(Self.batchRecord)
        }
    }

    /// The images of a batch with their kits (by the source's sha256, the newest kit of that
    /// source, preferring one with the batch's kit name) and any intake rejection of their file
    /// since the batch started.
    public func civitaiBatchImages(batchID: Int64) throws -> [CivitaiBatchImage] {
        try pool.read { db in
            guard let started = try String.fetchOne(db, sql: "SELECT started_at FROM civitai_batches WHERE id = ?", arguments: [batchID])
            else {
                return []
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM civitai_batch_images WHERE batch_id = ? ORDER BY written_at, image_id", arguments: [batchID])
            return try rows.map { row in
                let sha: String = row["sha256"]
                let kitName: String = row["kit"]
                let fileName: String = row["file_name"]
                var image = CivitaiBatchImage(
                    imageID: row["image_id"], sha256: sha, kit: kitName, fileName: fileName, writtenAt: row["written_at"], stages: [])
                if let kit = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT k.id, k.status, k.updated_at, k.content_rating FROM kits k JOIN sources s ON s.id = k.source_id
                        WHERE s.sha256 = ? ORDER BY (k.name = ?) DESC, k.created_at DESC LIMIT 1
                        """,
                    arguments: [sha, kitName])
                {
                    let kitID: String = kit["id"]
                    image.kitID = kitID
                    image.kitStatus = try StoredValue.decode(kit, "status", in: "kits", KitStatus.init(rawValue:))
                    image.kitUpdatedAt = kit["updated_at"]
                    image.kitContentRating = try StoredValue.decodeOptional(kit, "content_rating", in: "kits", ContentRating.init(name:))
                    image.stages = try Row.fetchAll(db, sql: "SELECT * FROM stages WHERE kit_id = ? ORDER BY id", arguments: [kitID])
                        .map(Self.stageRecord)
                } else {
                    image.rejectionCode = try String.fetchOne(
                        db, sql: "SELECT code FROM events WHERE type = ? AND subject = ? AND at >= ? ORDER BY id DESC LIMIT 1",
                        arguments: [EventType.rejected.rawValue, fileName, started])
                }
                return image
            }
        }
    }

    /// Stores a batch's summary; false when another process finished it first.
    @discardableResult
    public func completeCivitaiBatch(id: Int64, finishedAt: String, summary: String) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE civitai_batches SET finished_at = ?, summary = ? WHERE id = ? AND finished_at IS NULL",
                arguments: [finishedAt, summary, id])
            guard db.changesCount == 1 else { return false }
            try Self.appendEvent(db, kitID: nil, watch: nil, subject: "civitai-batch-\(id)", type: .civitaiBatchFinished)
            return true
        }
    }

    static func batchRecord(_ row: Row) -> CivitaiBatchRecord {
        CivitaiBatchRecord(
            id: row["id"], inbox: row["inbox"], requested: row["requested"], written: row["written"], startedAt: row["started_at"],
            fetchedAt: row["fetched_at"], finishedAt: row["finished_at"], summary: row["summary"])
    }
}
