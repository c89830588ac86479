import Foundation
import GRDB
import RefkitCore

extension RefkitDatabase {
    /// Claims an inbox file so only one intake ever handles it. A file that is already claimed
    /// (same watch, path, device, inode, size and mtime) reports the existing claim instead.
    public func claim(_ file: FileIdentity) throws -> ClaimOutcome {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO intake_claims (watch, path, device, inode, size, mtime_ns, state, claimed_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'claimed', ?)
                    ON CONFLICT (watch, path, device, inode, size, mtime_ns) DO NOTHING
                    """,
                arguments: [
                    file.watch, file.path, Int64(bitPattern: file.device), Int64(bitPattern: file.inode), file.size, file.mtimeNanos,
                    Self.now(),
                ])
            if db.changesCount == 1 { return .claimed(id: db.lastInsertedRowID) }
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT id, state FROM intake_claims WHERE watch = ? AND path = ? AND device = ? AND inode = ? AND size = ? AND "
                    + "mtime_ns = ?",
                arguments: [
                    file.watch, file.path, Int64(bitPattern: file.device), Int64(bitPattern: file.inode), file.size, file.mtimeNanos,
                ])!
            return .alreadyClaimed(
                id: row["id"], state: try StoredValue.decode(row, "state", in: "intake_claims", ClaimState.init(rawValue:)))
        }
    }

    /// Drops a claim that never finished (its file changed, or the process stopped mid-intake),
    /// so the file can be claimed again.
    public func releaseClaim(id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM intake_claims WHERE id = ? AND state = 'claimed'", arguments: [id])
        }
    }

    /// At start-up no intake is running, so every unfinished claim belonged to a process that
    /// stopped: release them all. Returns how many.
    @discardableResult
    public func releaseUnfinishedClaims() throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM intake_claims WHERE state = 'claimed'")
            return db.changesCount
        }
    }

    /// Records a rejection of claimed files (the file has been moved to `rejected/`).
    public func recordRejection(claims: [Int64], watch: String, subject: String, code: String, message: String) throws {
        try pool.write { db in
            for id in claims {
                try db.execute(
                    sql: "UPDATE intake_claims SET state = 'rejected', code = ?, finished_at = ? WHERE id = ?",
                    arguments: [code, Self.now(), id])
            }
            try Self.appendEvent(db, kitID: nil, watch: watch, subject: subject, type: .rejected, code: code, message: message)
        }
    }

    public func source(sha256: String) throws -> SourceRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE sha256 = ?", arguments: [sha256]).map(Self.sourceRecord)
        }
    }

    public func source(id: Int64) throws -> SourceRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ?", arguments: [id]).map(Self.sourceRecord)
        }
    }

    static func sourceRecord(_ row: Row) throws -> SourceRecord {
        SourceRecord(
            id: row["id"], sha256: row["sha256"], format: try StoredValue.decode(row, "mime", in: "sources", ImageFormat.init(mime:)),
            width: row["width"], height: row["height"], bytes: row["bytes"], storedPath: row["stored_path"],
            originalName: row["original_name"], createdAt: row["created_at"])
    }

    /// Records an accepted drop in one transaction: the source (once per sha256), the kit with
    /// its planned stages and its order, and the claims. A source already recorded for a kit of
    /// the same name in the same watch is a duplicate; if the new order asks for stages the kit
    /// lacks, they are added instead. A source that arrives without an order (`.default`) and
    /// is already the source of a kit of the watch, under any name, is a duplicate of that kit.
    /// `extraSources` (issue 17 item 1) are a new kit's further sources, after `source`.
    public func accept(
        claims: [Int64], watch: String, kitName: String, priority: Int, source: NewSource?, order: NewOrder, plan: KitPlan,
        extraSources: [NewSource] = []
    ) throws -> AcceptOutcome {
        try pool.write { db in
            let now = Self.now()
            var sourceID: Int64?
            if let source {
                try db.execute(
                    sql: """
                        INSERT INTO sources (sha256, mime, width, height, bytes, stored_path, original_name, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING
                        """,
                    arguments: [
                        source.sha256, source.format.mime, source.width, source.height, source.bytes, source.storedPath,
                        source.originalName, now,
                    ])
                sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE sha256 = ?", arguments: [source.sha256])
                if let existing = try String.fetchOne(
                    db, sql: "SELECT id FROM kits WHERE source_id = ? AND watch = ? AND name = ? ORDER BY created_at LIMIT 1",
                    arguments: [sourceID, watch, kitName])
                {
                    let have = try Self.stageSet(db, kitID: existing)
                    let missing = plan.steps.filter { !have.contains($0.stage) }
                    let state: ClaimState = missing.isEmpty ? .duplicate : .accepted
                    for id in claims {
                        try db.execute(
                            sql: "UPDATE intake_claims SET state = ?, source_id = ?, kit_id = ?, finished_at = ? WHERE id = ?",
                            arguments: [state.rawValue, sourceID, existing, now, id])
                    }
                    if missing.isEmpty {
                        try Self.appendEvent(
                            db, kitID: existing, watch: watch, subject: source.originalName, type: .duplicate,
                            message: "same source and kit already recorded")
                        return .duplicate(kitID: existing, sourceID: sourceID!)
                    }
                    try Self.insertStages(db, kitID: existing, steps: missing, now: now)
                    try Self.insertOrder(db, kitID: existing, order: order, now: now)
                    try db.execute(sql: "UPDATE kits SET status = 'queued', updated_at = ? WHERE id = ?", arguments: [now, existing])
                    try Self.appendEvent(
                        db, kitID: existing, watch: watch, subject: source.originalName, type: .extended,
                        message: Self.names(missing.map(\.stage)))
                    return .extended(kitID: existing, added: missing.map(\.stage))
                }
                // The same bytes under another name (`photo (2).jpg`, a browser's second download)
                // with no order of their own ask for nothing new: they are that kit's source again.
                // An order (a sidecar naming a kit) still makes its own kit.
                // So are a kit's further sources (issue 17 item 1); a drop of several sources is a
                // character of its own even when one of them was seen before.
                if order.origin == .default, extraSources.isEmpty,
                    let existing = try String.fetchOne(
                        db,
                        sql: """
                            SELECT id FROM kits WHERE watch = ?
                              AND (source_id = ? OR id IN (SELECT kit_id FROM kit_sources WHERE source_id = ?))
                            ORDER BY created_at, id LIMIT 1
                            """,
                        arguments: [watch, sourceID, sourceID])
                {
                    for id in claims {
                        try db.execute(
                            sql: "UPDATE intake_claims SET state = 'duplicate', source_id = ?, kit_id = ?, finished_at = ? WHERE id = ?",
                            arguments: [sourceID, existing, now, id])
                    }
                    try Self.appendEvent(
                        db, kitID: existing, watch: watch, subject: source.originalName, type: .duplicate,
                        message: "same source as this kit, dropped as \(source.originalName) without an order")
                    return .duplicate(kitID: existing, sourceID: sourceID!)
                }
            }
            let kitID = Self.newKitID()
            let slug = try Self.freeSlug(db, watch: watch, base: SafeName.slug(kitName))
            try db.execute(
                sql: """
                    INSERT INTO kits (id, name, slug, watch, status, source_id, priority, text_only, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)
                    """,
                arguments: [kitID, kitName, slug, watch, sourceID, priority, source == nil, now, now])
            try Self.insertStages(db, kitID: kitID, steps: plan.steps, now: now)
            try Self.insertOrder(db, kitID: kitID, order: order, now: now)
            try Self.insertExtraSources(db, kitID: kitID, extras: extraSources, now: now)
            for id in claims {
                try db.execute(
                    sql: "UPDATE intake_claims SET state = 'accepted', source_id = ?, kit_id = ?, finished_at = ? WHERE id = ?",
                    arguments: [sourceID, kitID, now, id])
            }
            try Self.appendEvent(
                db, kitID: kitID, watch: watch, subject: source?.originalName ?? order.fileName, type: .accepted,
                message: "kit \(kitName) queued with \(plan.steps.count) stages")
            return .newKit(kitID: kitID, slug: slug)
        }
    }

    static func insertStages(_ db: Database, kitID: String, steps: [KitPlan.Step], now: String) throws {
        for step in steps {
            try db.execute(
                sql: "INSERT INTO stages (kit_id, stage, depends_on, status, updated_at) VALUES (?, ?, ?, 'pending', ?)",
                arguments: [kitID, step.stage.name, step.dependency?.name, now])
        }
    }

    static func insertOrder(_ db: Database, kitID: String, order: NewOrder, now: String) throws {
        try db.execute(
            sql: "INSERT INTO orders (kit_id, origin, json, file_name, received_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [kitID, order.origin.rawValue, order.json, order.fileName, now])
    }

    /// `mira`, then `mira-2`, `mira-3`, … within a watch.
    static func freeSlug(_ db: Database, watch: String, base: String) throws -> String {
        var candidate = base
        var n = 2
        while try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM kits WHERE watch = ? AND slug = ?)", arguments: [watch, candidate])
            == true
        {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }

    static func newKitID() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        return "k" + String((0..<12).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
