import RefkitCore
import RefkitTestSupport
import Testing

@testable import RefkitStore

/// Issue 17 item 1 in the store: a kit's further sources in order, a re-dropped one a
/// duplicate of its kit, and their originals orphaned only when no kit uses them.
@Suite("Store: several sources for one kit")
struct KitSourcesTests {
    static func accept(
        _ store: StoreFixture, name: String, inode: UInt64, primary: Int, extras: [Int], origin: NewOrder.Origin = .sidecar
    ) throws -> AcceptOutcome {
        guard case .claimed(let id) = try store.database.claim(StoreFixture.file("\(name).json", inode: inode)) else {
            throw FixtureError("not claimable")
        }
        return try store.database.accept(
            claims: [id], watch: "manual", kitName: name, priority: 10, source: StoreFixture.source(seed: primary),
            order: NewOrder(origin: origin, json: "{}", fileName: nil), plan: StoreFixture.plan(.list([.avatar])),
            extraSources: extras.map { StoreFixture.source(seed: $0) })
    }

    @Test("the sources are kept in the order given, the primary first; one given twice counts once")
    func inOrder() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try Self.accept(store, name: "mira", inode: 1, primary: 1, extras: [3, 2, 3, 1]) else {
            Issue.record("no new kit")
            return
        }
        let sha = { (seed: Int) in StoreFixture.source(seed: seed).sha256 }
        #expect(try store.database.kitSources(kitID: kitID).map(\.sha256) == [sha(1), sha(3), sha(2)])
        let context = try #require(try store.database.stageContext(stageID: 1, kitID: kitID))
        #expect(context.extraSources.map(\.sha256) == [sha(3), sha(2)])
        #expect(try store.database.scalar("SELECT count(*) FROM sources") == 3)
    }

    @Test("a further source dropped again without an order is a duplicate of its kit")
    func redropIsDuplicate() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try Self.accept(store, name: "mira", inode: 1, primary: 1, extras: [2, 3]) else {
            Issue.record("no new kit")
            return
        }
        let again = try Self.accept(store, name: "copy", inode: 2, primary: 3, extras: [], origin: .default)
        guard case .duplicate(let duplicateOf, _) = again else {
            Issue.record("not a duplicate: \(again)")
            return
        }
        #expect(duplicateOf == kitID)
        #expect(try store.database.kits().count == 1)
        // A drop of several sources is a character of its own even when one was seen before.
        guard case .newKit = try Self.accept(store, name: "other", inode: 3, primary: 4, extras: [2], origin: .default) else {
            Issue.record("a second character sharing a photo was refused")
            return
        }
    }

    @Test("deleting a kit orphans the originals of further sources no other kit uses, and only those")
    func deleteOrphans() throws {
        let store = try StoreFixture()
        _ = try Self.accept(store, name: "mira", inode: 1, primary: 1, extras: [2, 3])
        _ = try Self.accept(store, name: "other", inode: 2, primary: 3, extras: [])
        let deleted = try store.database.deleteKit("mira")
        #expect(deleted.orphanedSources == [StoreFixture.source(seed: 2).storedPath], "source 3 is still other's primary")
        #expect(deleted.orphanedOriginal == StoreFixture.source(seed: 1).storedPath)
        #expect(try store.database.scalar("SELECT count(*) FROM sources") == 1)
        #expect(try store.database.scalar("SELECT count(*) FROM kit_sources") == 0)
    }
}
