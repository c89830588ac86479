import GRDB
import RefkitCore

// Issue 17 item 1: a character made from several sources. `kits.source_id` is the primary (as
// for every kit); `kit_sources` holds the others, positions 2, 3, … in the order given.
extension RefkitDatabase {
    /// Every source of a kit in order, the primary first; empty for a text-only kit.
    public func kitSources(kitID: String) throws -> [SourceRecord] {
        try pool.read { db in try Self.kitSources(db, kitID: kitID) }
    }

    static func kitSources(_ db: Database, kitID: String) throws -> [SourceRecord] {
        let primary = try Row.fetchAll(
            db, sql: "SELECT s.* FROM sources s JOIN kits k ON k.source_id = s.id WHERE k.id = ?", arguments: [kitID])
        return try (primary + extraSourceRows(db, kitID: kitID)).map(Self.sourceRecord)
    }

    /// A kit's further sources (not its primary), in order.
    static func extraSources(_ db: Database, kitID: String) throws -> [SourceRecord] {
        try extraSourceRows(db, kitID: kitID).map(Self.sourceRecord)
    }

    private static func extraSourceRows(_ db: Database, kitID: String) throws -> [Row] {
        try Row.fetchAll(
            db, sql: "SELECT s.* FROM kit_sources ks JOIN sources s ON s.id = ks.source_id WHERE ks.kit_id = ? ORDER BY ks.position",
            arguments: [kitID])
    }

    /// Records `extras` (once per sha256, as every source) as the kit's further sources, after
    /// its primary; one already listed for the kit (the same bytes under two names) counts once.
    static func insertExtraSources(_ db: Database, kitID: String, extras: [NewSource], now: String) throws {
        var position = 2
        for source in extras {
            let id = try insertSource(db, source, now: now)
            let isPrimary =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM kits WHERE id = ? AND source_id = ?)", arguments: [kitID, id]) ?? false
            guard !isPrimary else { continue }
            try db.execute(
                sql: "INSERT INTO kit_sources (kit_id, position, source_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [kitID, position, id])
            if db.changesCount == 1 { position += 1 }
        }
    }

    /// The source's row id, inserting it when its sha256 is new.
    static func insertSource(_ db: Database, _ source: NewSource, now: String) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO sources (sha256, mime, width, height, bytes, stored_path, original_name, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING
                """,
            arguments: [
                source.sha256, source.format.mime, source.width, source.height, source.bytes, source.storedPath, source.originalName, now,
            ])
        return try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE sha256 = ?", arguments: [source.sha256])!
    }

    /// Sources a kit being deleted leaves unused, with their stored originals: its further
    /// sources that no other kit has as its primary or further source. Read before the kit's
    /// rows go (`kit_sources` cascades); checked after.
    static func extraSourceIDs(_ db: Database, kitID: String) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT source_id FROM kit_sources WHERE kit_id = ?", arguments: [kitID])
    }

    /// Deletes each of `ids` no kit uses any more; returns their stored originals.
    static func dropUnusedSources(_ db: Database, ids: [Int64]) throws -> [String] {
        var removed: [String] = []
        for id in ids where try !sourceInUse(db, id: id) {
            if let path = try String.fetchOne(db, sql: "SELECT stored_path FROM sources WHERE id = ?", arguments: [id]) {
                removed.append(path)
            }
            try db.execute(sql: "UPDATE intake_claims SET source_id = NULL WHERE source_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM sources WHERE id = ?", arguments: [id])
        }
        return removed
    }

    /// Whether some kit has this source, as its primary or as a further source.
    static func sourceInUse(_ db: Database, id: Int64) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM kits WHERE source_id = ?) OR EXISTS (SELECT 1 FROM kit_sources WHERE source_id = ?)",
            arguments: [id, id]) ?? true
    }
}
