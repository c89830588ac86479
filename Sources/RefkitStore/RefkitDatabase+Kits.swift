import Foundation
import GRDB
import RefkitCore

extension RefkitDatabase {
    static func kitRecord(_ row: Row) throws -> KitRecord {
        KitRecord(
            id: row["id"], name: row["name"], slug: row["slug"], watch: row["watch"],
            status: try StoredValue.decode(row, "status", in: "kits", KitStatus.init(rawValue:)), sourceID: row["source_id"],
            priority: row["priority"], textOnly: row["text_only"], outboxDir: row["outbox_dir"], lockedReference: row["locked_reference"],
            lockedHow: row["locked_how"], errorCode: row["error_code"], errorMessage: row["error_message"], createdAt: row["created_at"],
            updatedAt: row["updated_at"], analysis: row["analysis"], referenceGeneration: row["reference_generation"] ?? 0,
            contentRating: try StoredValue.decodeOptional(row, "content_rating", in: "kits", ContentRating.init(name:)))
    }

    static func stageRecord(_ row: Row) throws -> StageRecord {
        StageRecord(
            id: row["id"], kitID: row["kit_id"], stage: try StoredValue.stage(row, in: "stages"),
            dependsOn: try StoredValue.decodeOptional(row, "depends_on", in: "stages", StageDependency.init(name:)),
            status: try StoredValue.decode(row, "status", in: "stages", StageStatus.init(rawValue:)), provider: row["provider"],
            model: row["model"], prompt: row["prompt"], seed: row["seed"], attempts: row["attempts"], file: row["file"],
            sha256: row["sha256"], format: try StoredValue.format(row, in: "stages"), width: row["width"], height: row["height"],
            costUSD: row["cost_usd"], durationMs: row["duration_ms"], errorCode: row["error_code"], errorMessage: row["error_message"],
            updatedAt: row["updated_at"], generation: row["generation"] ?? 0, input: row["input"],
            referenceGeneration: row["reference_generation"], qa: try StoredValue.qa(row), inputs: row["inputs"],
            negativePrompt: row["negative_prompt"])
    }

    /// The stages a kit has.
    static func stageSet(_ db: Database, kitID: String) throws -> Set<Stage> {
        Set(
            try Row.fetchAll(db, sql: "SELECT stage FROM stages WHERE kit_id = ?", arguments: [kitID]).map {
                try StoredValue.stage($0, in: "stages")
            })
    }

    public func kits(status: KitStatus? = nil) throws -> [KitRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM kits WHERE (? IS NULL OR status = ?) ORDER BY created_at, id",
                arguments: [status?.rawValue, status?.rawValue]
            ).map(Self.kitRecord)
        }
    }

    /// A kit by id, or by name or slug (the first made, when a name is in several watches).
    public func kit(_ reference: String) throws -> KitRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM kits WHERE id = ? OR name = ? OR slug = ? ORDER BY (id = ?) DESC, created_at LIMIT 1",
                arguments: [reference, reference, reference, reference]
            ).map(Self.kitRecord)
        }
    }

    /// The kits of `ids` that exist, by id, in one query (the hooks read a batch of events' kits at once).
    public func kits(ids: [String]) throws -> [String: KitRecord] {
        guard !ids.isEmpty else { return [:] }
        return try pool.read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM kits WHERE id IN (\(marks))", arguments: StatementArguments(ids))
            return Dictionary(
                uniqueKeysWithValues: try rows.map { row in
                    let kit = try Self.kitRecord(row)
                    return (kit.id, kit)
                })
        }
    }

    public func stages(kitID: String) throws -> [StageRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stages WHERE kit_id = ? ORDER BY id", arguments: [kitID]).map(Self.stageRecord)
        }
    }

    /// The orders of a kit, oldest first, as JSON text.
    public func orders(kitID: String) throws -> [(origin: String, json: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT origin, json FROM orders WHERE kit_id = ? ORDER BY id", arguments: [kitID]).map {
                ($0["origin"], $0["json"])
            }
        }
    }

    /// Records the analyzer's result (or that it ran and failed) and leaves `analyzing`.
    public func setAnalysis(kitID: String, json: String) throws {
        try pool.write { db in
            try db.execute(
                sql:
                    "UPDATE kits SET analysis = ?, status = CASE WHEN status = 'analyzing' THEN 'generating' ELSE status END, updated_at "
                    + "= ? WHERE id = ?",
                arguments: [json, Self.now(), kitID])
            try Self.appendEvent(db, kitID: kitID, watch: nil, subject: nil, type: .analyzed)
        }
    }

    /// Records the kit's content rating (`ContentRating.of`: the analyzer's, else the order's source).
    public func setContentRating(kitID: String, rating: ContentRating) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE kits SET content_rating = ?, updated_at = ? WHERE id = ?", arguments: [rating.name, Self.now(), kitID])
        }
    }

    public func markAnalyzing(kitID: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE kits SET status = 'analyzing', updated_at = ? WHERE id = ? AND status IN ('queued', 'generating')",
                arguments: [Self.now(), kitID])
        }
    }

    public func statusSummary() throws -> StatusSummary {
        try pool.read { db in
            func counts(_ sql: String) throws -> [String: Int] {
                var out: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: sql) { out[row[0]] = row[1] }
                return out
            }
            let today = Timestamp.day()
            return StatusSummary(
                kitsByStatus: try counts("SELECT status, count(*) FROM kits GROUP BY status"),
                stagesByStatus: try counts("SELECT status, count(*) FROM stages GROUP BY status"),
                claimsByState: try counts("SELECT state, count(*) FROM intake_claims GROUP BY state"),
                sources: try Int.fetchOne(db, sql: "SELECT count(*) FROM sources") ?? 0,
                rejectedToday: try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM events WHERE type = ? AND at >= ?", arguments: [EventType.rejected.rawValue, today]
                ) ?? 0,
                spendTodayUSD: try Self.daySpend(db, watch: nil))
        }
    }
}
