import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("Store: schema and migrations", .timeLimit(.minutes(1)))
struct SchemaTests {
    @Test("migrations apply once and are recorded")
    func migrations() throws {
        let store = try StoreFixture()
        let all = [
            "v1-ledger", "v2-kit-analysis", "v3-civitai", "v4-kit-lifecycle", "v5-budget-reservations", "v6-reference-generations",
            "v7-deleted-kit-spend", "v8-qa", "v9-kit-pages", "v10-hook-deliveries", "v11-events-by-type",
            "v12-kit-content-rating",
            "v13-kit-sources",
            "v15-reference-inputs", "v16-reference-negative-prompt", "v17-hook-delivery-views",
        ]
        #expect(try store.database.appliedMigrations() == all)
        for table in ["sources", "kits", "orders", "stages", "intake_claims", "events"] {
            #expect(
                try store.database.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(table)'") == 1, "\(table)")
        }
        _ = try store.acceptNew()
        // Reopening migrates nothing again and keeps the data.
        let again = try store.secondOpen()
        #expect(try again.appliedMigrations() == all)
        #expect(try again.scalar("SELECT count(*) FROM grdb_migrations") == all.count)
        #expect(try again.scalar("SELECT count(*) FROM kits") == 1)
        #expect(try store.secondOpen(readOnly: true).appliedMigrations() == all)
    }

    @Test("the schema rejects a kit with an invalid status")
    func invalidKitStatus() throws {
        let store = try StoreFixture()
        let insert = { (status: String) in
            "INSERT INTO kits (id, name, slug, watch, status, created_at, updated_at) "
                + "VALUES ('k-\(status)', 'n', 's-\(status)', 'w', '\(status)', 'now', 'now')"
        }
        try store.database.execute(insert("queued"))
        #expect(throws: (any Error).self) { try store.database.execute(insert("exploded")) }
        #expect(try store.database.scalar("SELECT count(*) FROM kits") == 1)
    }

    @Test("the schema rejects a 'done' stage without its file")
    func doneStageNeedsFile() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else { throw FixtureError("no kit") }
        let sha = String(repeating: "a", count: 64)
        #expect(throws: (any Error).self) {
            try store.database.execute(
                "UPDATE stages SET status = 'done', sha256 = '\(sha)' WHERE kit_id = '\(kitID)' AND stage = 'avatar'")
        }
        #expect(throws: (any Error).self) {
            try store.database.execute(
                "INSERT INTO stages (kit_id, stage, status, updated_at) VALUES ('\(kitID)', 'profile', 'done', 'now')")
        }
        try store.database.execute(
            "UPDATE stages SET status = 'done', file = 'avatar.png', sha256 = '\(sha)' WHERE kit_id = '\(kitID)' AND stage = 'avatar'")
        #expect(try store.database.stages(kitID: kitID).first?.status == .done)
    }

    @Test("the events table is append-only: UPDATE and DELETE raise")
    func eventsAppendOnly() throws {
        let store = try StoreFixture()
        try store.database.appendEvent(watch: "manual", subject: "mira.jpg", type: "note", message: "first")
        try store.database.appendEvent(type: "note", message: "second")
        #expect(throws: (any Error).self) { try store.database.execute("UPDATE events SET message = 'rewritten'") }
        #expect(throws: (any Error).self) { try store.database.execute("DELETE FROM events") }
        #expect(try store.database.events().map(\.message) == ["first", "second"])
    }
}

@Suite("Store: intake claims and acceptance", .timeLimit(.minutes(1)))
struct ClaimTests {
    @Test("a file is claimed once: a second claim of the same identity reports the first")
    func claimIsUnique() throws {
        let store = try StoreFixture()
        let file = StoreFixture.file()
        guard case .claimed(let id) = try store.database.claim(file) else { throw FixtureError("first claim failed") }
        #expect(try store.database.claim(file) == .alreadyClaimed(id: id, state: .claimed))
        // From another process's pool too.
        #expect(try store.secondOpen().claim(file) == .alreadyClaimed(id: id, state: .claimed))
        try store.database.recordRejection(claims: [id], watch: "manual", subject: file.path, code: "source_empty", message: "empty")
        #expect(try store.database.claim(file) == .alreadyClaimed(id: id, state: .rejected))
        // The same path with other contents (new mtime) is a new file.
        guard case .claimed(let other) = try store.database.claim(StoreFixture.file(mtime: file.mtimeNanos + 1)) else {
            throw FixtureError("a changed file must be claimable")
        }
        #expect(other != id)
    }

    @Test("releaseUnfinishedClaims drops only unfinished claims; released files can be claimed again")
    func releaseUnfinished() throws {
        let store = try StoreFixture()
        let db = store.database
        _ = try store.acceptNew(StoreFixture.file("done.jpg", inode: 1))
        _ = try db.claim(StoreFixture.file("a.jpg", inode: 2))
        _ = try db.claim(StoreFixture.file("b.jpg", inode: 3))
        guard case .claimed(let rejected) = try db.claim(StoreFixture.file("c.jpg", inode: 4)) else { throw FixtureError("claim") }
        try db.recordRejection(claims: [rejected], watch: "manual", subject: "c.jpg", code: "source_empty", message: "empty")

        #expect(try db.releaseUnfinishedClaims() == 2)
        #expect(try db.releaseUnfinishedClaims() == 0)
        #expect(try db.scalar("SELECT count(*) FROM intake_claims") == 2)
        guard case .claimed = try db.claim(StoreFixture.file("a.jpg", inode: 2)) else {
            throw FixtureError("a.jpg must be claimable again")
        }
        guard case .alreadyClaimed(_, .accepted) = try db.claim(StoreFixture.file("done.jpg", inode: 1)) else {
            throw FixtureError("done.jpg stays accepted")
        }
    }

    @Test("releaseClaim leaves finished claims alone")
    func releaseOne() throws {
        let store = try StoreFixture()
        guard case .newKit = try store.acceptNew() else { throw FixtureError("no kit") }
        let id = Int64(try store.database.scalar("SELECT id FROM intake_claims"))
        try store.database.releaseClaim(id: id)
        #expect(try store.database.claim(StoreFixture.file()) == .alreadyClaimed(id: id, state: .accepted))
    }

    @Test("accept: a new kit, then the same source is a duplicate, then an order asking for more extends it")
    func acceptOutcomes() throws {
        let store = try StoreFixture()
        let db = store.database
        guard case .newKit(let kitID, let slug) = try store.acceptNew(StoreFixture.file(inode: 1)) else { throw FixtureError("no kit") }
        #expect(slug == "mira")
        #expect(try store.acceptNew(StoreFixture.file(inode: 2)) == .duplicate(kitID: kitID, sourceID: 1))
        let outcome = try store.acceptNew(StoreFixture.file(inode: 3), stages: .list([.avatar, .halfBody]))
        #expect(outcome == .extended(kitID: kitID, added: [.halfBody]))
        #expect(try db.scalar("SELECT count(*) FROM sources") == 1)
        #expect(try db.kits().map(\.id) == [kitID])
        #expect(try db.stages(kitID: kitID).map(\.stage.name) == ["avatar", "reference_avatar", "front", "side", "back", "half_body"])
        #expect(try db.orders(kitID: kitID).count == 2)
        #expect(try db.statusSummary().claimsByState == ["accepted": 2, "duplicate": 1])
        // Another source under the same name gets its own kit and slug.
        guard case .newKit(_, let slug2) = try store.acceptNew(StoreFixture.file(inode: 4), source: StoreFixture.source(seed: 2)) else {
            throw FixtureError("no second kit")
        }
        #expect(slug2 == "mira-2")
    }
}

@Suite("Store: two processes on one file", .timeLimit(.minutes(1)))
struct ConcurrencyTests {
    @Test("a daemon and a CLI pool write concurrently without SQLITE_BUSY (2 x 200 events, plus claims)")
    func concurrentWriters() async throws {
        let store = try StoreFixture()
        let daemon = store.database
        let cli = try store.secondOpen()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (label, db) in [("daemon", daemon), ("cli", cli)] {
                group.addTask {
                    for i in 0..<200 {
                        try db.appendEvent(watch: label, subject: "\(i)", type: "test")
                        if i % 10 == 0 { _ = try db.claim(StoreFixture.file("\(label)-\(i).jpg", inode: UInt64(i))) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try daemon.scalar("SELECT count(*) FROM events") == 400)
        #expect(try cli.scalar("SELECT count(*) FROM events WHERE watch = 'daemon'") == 200)
        #expect(try cli.scalar("SELECT count(*) FROM intake_claims") == 40)
    }
}
