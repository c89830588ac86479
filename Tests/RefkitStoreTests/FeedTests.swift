import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// The reads a live view makes: the event log after a known id, and kits a page at a time.
@Suite("Event feed and kit pages")
struct FeedTests {
    func kits(_ store: StoreFixture, count: Int) throws -> [String] {
        try (1...count).map { i in
            let outcome = try store.acceptNew(StoreFixture.file("k\(i).jpg", inode: UInt64(100 + i)), source: StoreFixture.source(seed: i))
            guard case .newKit(let id, _) = outcome else { throw FixtureError("kit \(i) was not new: \(outcome)") }
            return id
        }
    }

    @Test func pagesListEveryKitOnceNewestFirst() throws {
        let store = try StoreFixture()
        let ids = try kits(store, count: 7)
        var seen: [String] = []
        var before: String?
        var pages = 0
        while true {
            let page = try store.database.kitPage(before: before, limit: 3)
            seen += page.kits.map(\.id)
            pages += 1
            guard page.more, let last = page.kits.last else { break }
            before = last.id
        }
        #expect(pages == 3 && seen.count == 7 && Set(seen) == Set(ids), "\(seen)")
        let all = try store.database.kits()
        let newestFirst = all.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.map(\.id)
        #expect(seen == newestFirst)
        #expect(try store.database.kitPage(limit: 7).more == false)
    }

    @Test func filtersNarrowThePage() throws {
        let store = try StoreFixture()
        let ids = try kits(store, count: 4)
        try store.database.execute("UPDATE kits SET status = 'failed' WHERE id = '\(ids[1])'")
        #expect(try store.database.kitPage(RefkitDatabase.KitFilter(status: .failed)).kits.map(\.id) == [ids[1]])
        #expect(try store.database.kitPage(RefkitDatabase.KitFilter(watch: "elsewhere")).kits.isEmpty)
        #expect(try store.database.kitPage(RefkitDatabase.KitFilter(needsReview: true)).kits.isEmpty)
        try store.database.execute(
            "UPDATE stages SET status = 'done', file = 'f.png', sha256 = 'ab', qa_verdict = 'fail' WHERE kit_id = '\(ids[2])' AND stage = 'front'"
        )
        #expect(try store.database.kitPage(RefkitDatabase.KitFilter(needsReview: true)).kits.map(\.id) == [ids[2]])
    }

    @Test func theOutboxListingHasOneWatchsPublishedKitsNewestFirst() throws {
        let store = try StoreFixture()
        let ids = try kits(store, count: 4)
        // ids[0] is not published; ids[3] belongs to another watch.
        for (i, id) in ids.enumerated().dropFirst() {
            try store.database.execute("UPDATE kits SET outbox_dir = '/out/kit-\(i)', status = 'complete' WHERE id = '\(id)'")
        }
        try store.database.execute("UPDATE kits SET watch = 'elsewhere' WHERE id = '\(ids[3])'")
        try store.database.execute(
            "UPDATE stages SET status = 'done', file = 'f.png', sha256 = 'ab', qa_verdict = 'fail' WHERE kit_id = '\(ids[1])' AND stage = 'front'"
        )
        let listing = try store.database.outboxListing(watch: "manual")
        #expect(listing.map(\.outboxDir) == ["/out/kit-2", "/out/kit-1"], "newest first, unpublished and other watches left out")
        #expect(listing.map(\.needsReview) == [false, true])
        #expect(listing.allSatisfy { $0.status == .complete && $0.name == "mira" })
    }

    @Test func eventsAfterAnIdArriveOnceInOrder() throws {
        let store = try StoreFixture()
        _ = try kits(store, count: 1)
        let start = try store.database.lastEventID()
        #expect(start > 0, "accepting a kit logs events")
        for n in 1...5 { try store.database.appendEvent(subject: "n\(n)", type: "test") }
        let first = try store.database.events(after: start, limit: 3)
        #expect(first.map(\.subject) == ["n1", "n2", "n3"])
        let rest = try store.database.events(after: try #require(first.last).id)
        #expect(rest.map(\.subject) == ["n4", "n5"])
        #expect(try store.database.events(after: try store.database.lastEventID()).isEmpty)
    }
}
