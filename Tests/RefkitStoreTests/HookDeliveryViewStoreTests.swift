import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// What operators see of the hooks' deliveries (`refkit hooks`, the Hooks page, the API), on a
/// real database: filters, limit and order are the query's, the body is never read, and a
/// given-up delivery is sent again only when it is given up.
@Suite("Store: hook delivery views and re-send", .timeLimit(.minutes(1)))
struct HookDeliveryViewStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Six deliveries: chat's events 1-4 (one kit, `mira`), ops' 5-6 (a kit deleted since);
    /// chat's 1 delivered, 2 given up, 3 and 4 pending (4 after a failed attempt); ops' 5 given up.
    static func seeded() throws -> (store: StoreFixture, kitID: String, ids: [Int64]) {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else { throw FixtureError("no kit") }
        let db = store.database
        let news = (1...6).map { (n: Int) -> NewHookDelivery in
            let chat = n <= 4
            let action: HookDeliveryRecord.Action = n == 6 ? .command : .url
            return NewHookDelivery(
                hook: chat ? "chat" : "ops", action: action, eventID: Int64(n), event: "kit_complete", kitID: chat ? kitID : "k-gone",
                payload: "{\"secret-body\":\(n)}")
        }
        for (n, d) in news.enumerated() {
            try db.recordHookDeliveries([d], cursor: Int64(n + 1), now: t0.addingTimeInterval(Double(n)))
        }
        let ids = try db.hookDeliveries().map(\.id)
        try db.recordHookAttempt(id: ids[0], attempts: 1, .delivered, now: t0)
        try db.recordHookAttempt(id: ids[1], attempts: 8, .failed(error: "HTTP 500 (gave up after 8 attempts)"), now: t0)
        try db.recordHookAttempt(id: ids[3], attempts: 1, .retry(at: t0.addingTimeInterval(60), error: "HTTP 502"), now: t0)
        try db.recordHookAttempt(id: ids[4], attempts: 3, .failed(error: "connection refused"), now: t0)
        return (store, kitID, ids)
    }

    @Test func listingsAreNewestFirstFilteredAndLimitedByTheQuery() throws {
        let (store, kitID, ids) = try Self.seeded()
        let db = store.database
        let all = try db.hookDeliveryViews(HookDeliveryFilter(limit: 100))
        #expect(all.map(\.id) == ids.reversed())
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(limit: 2)).map(\.id) == [ids[5], ids[4]], "the limit keeps the newest")
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(hook: "ops")).map(\.id) == [ids[5], ids[4]])
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(status: .failed)).map(\.id) == [ids[4], ids[1]])
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(hook: "chat", status: .pending)).map(\.id) == [ids[3], ids[2]])
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(kit: "mira")).map(\.id) == Array(ids[0...3].reversed()))
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(kit: kitID)).count == 4)
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(kit: "k-gone")).map(\.id) == [ids[5], ids[4]], "a deleted kit by its id")
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(hook: "nobody")).isEmpty)

        let retried = try #require(all.first { $0.id == ids[3] })
        #expect(retried.status == .pending && retried.attempts == 1 && retried.lastError == "HTTP 502")
        #expect(retried.nextAt == Timestamp.string(Self.t0.addingTimeInterval(60)))
        #expect(retried.kitName == "mira" && retried.deliveryID == "4-chat" && retried.action == .url)
        let given = try #require(all.first { $0.id == ids[4] })
        #expect(given.nextAt == nil, "a settled delivery has no next attempt")
        #expect(given.kitName == nil && given.kitID == "k-gone")
        let json = HookDeliveryJSON.listing(counts: try db.hookDeliveryCounts(), deliveries: all).serialized
        #expect(!json.contains("secret-body"), "the body is never listed: \(json)")
    }

    @Test func countsPerHookWithTheOldestPending() throws {
        let (store, _, _) = try Self.seeded()
        let counts = try store.database.hookDeliveryCounts()
        #expect(
            counts == [
                HookDeliveryCounts(
                    hook: "chat", pending: 2, delivered: 1, failed: 1, oldestPending: Timestamp.string(Self.t0.addingTimeInterval(2))),
                HookDeliveryCounts(
                    hook: "ops", pending: 1, delivered: 0, failed: 1, oldestPending: Timestamp.string(Self.t0.addingTimeInterval(5))),
            ])
        #expect(try store.database.hookDeliveryCounts(hook: "ops").map(\.hook) == ["ops"])
    }

    @Test func configuredHooksWithoutDeliveriesCountZero() {
        let stored = [HookDeliveryCounts(hook: "ops", failed: 2), HookDeliveryCounts(hook: "chat", delivered: 1)]
        let all = HookDeliveryCounts.including(configured: ["desk", "chat"], stored)
        #expect(
            all == [
                HookDeliveryCounts(hook: "chat", delivered: 1), HookDeliveryCounts(hook: "desk"),
                HookDeliveryCounts(hook: "ops", failed: 2),
            ])
        #expect(HookDeliveryCounts.including(configured: [], []).isEmpty)
    }

    @Test func aGivenUpDeliveryIsPendingAgainDueNowWithItsAttemptsAndAnEvent() throws {
        let (store, kitID, ids) = try Self.seeded()
        let db = store.database
        let later = Self.t0.addingTimeInterval(3600)
        #expect(try !db.dueHookDeliveries(now: later).map(\.id).contains(ids[1]))
        let resent = try db.resendHookDeliveries(ids: [ids[1]], by: "tester", now: later)
        #expect(resent.map(\.id) == [ids[1]])
        let view = try #require(try db.hookDeliveryView(id: ids[1]))
        #expect(view.status == .pending && view.attempts == 8 && view.nextAt == Timestamp.string(later))
        #expect(view.lastError == "HTTP 500 (gave up after 8 attempts)", "the last error stays until the next attempt")
        #expect(try db.dueHookDeliveries(now: later).map(\.id).contains(ids[1]), "due at once")
        let event = try #require(try db.events(kitID: kitID).last)
        #expect(event.type == EventType.hookResent.rawValue && event.subject == "2-chat")
        #expect(event.message?.contains("re-sent by tester after 8 attempt(s)") == true, "\(event.message ?? "")")
    }

    @Test func onlyGivenUpDeliveriesAreSentAgainAndARefusalChangesNothing() throws {
        let (store, _, ids) = try Self.seeded()
        let db = store.database
        let before = try db.hookDeliveryViews(HookDeliveryFilter(limit: 100))
        let eventsBefore = try db.lastEventID()
        for (id, code) in [(ids[0], RefkitError.Code.hookDeliveryNotFailed), (ids[2], .hookDeliveryNotFailed), (999, .hookDeliveryUnknown)]
        {
            // The given-up ids[4] first: the refusal of the other undoes it too.
            let error = #expect(throws: RefkitError.self) { try db.resendHookDeliveries(ids: [ids[4], id], by: "tester") }
            #expect(error?.code == code, "\(String(describing: error))")
        }
        let refusal = #expect(throws: RefkitError.self) { try db.resendHookDeliveries(ids: [ids[0]], by: "tester") }
        #expect(refusal?.message.contains("it was delivered") == true)
        #expect(try db.hookDeliveryViews(HookDeliveryFilter(limit: 100)) == before)
        #expect(try db.lastEventID() == eventsBefore)
        #expect(try db.failedHookDeliveryIDs() == [ids[1], ids[4]])
        #expect(try db.failedHookDeliveryIDs(hook: "ops") == [ids[4]])
    }
}
