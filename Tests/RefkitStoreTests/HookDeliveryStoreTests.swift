import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("Store: hook deliveries", .timeLimit(.minutes(1)))
struct HookDeliveryStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func delivery(_ hook: String, _ action: HookDeliveryRecord.Action = .url, event: Int64) -> NewHookDelivery {
        NewHookDelivery(hook: hook, action: action, eventID: event, event: "kit_complete", kitID: "k\(event)", payload: "{\"n\":\(event)}")
    }

    @Test func deliveriesAreStoredOnceWithTheCursor() throws {
        let store = try StoreFixture()
        let db = store.database
        #expect(try db.hookCursor() == nil)
        let first = [Self.delivery("chat", event: 3), Self.delivery("chat", .command, event: 3), Self.delivery("ops", event: 3)]
        #expect(try db.recordHookDeliveries(first, cursor: 3, now: Self.t0) == 3)
        #expect(try db.hookCursor() == 3)
        // The same again (a scan repeated after a crash): nothing new, and the cursor never goes back.
        #expect(try db.recordHookDeliveries(first + [Self.delivery("chat", event: 5)], cursor: 2, now: Self.t0) == 1)
        #expect(try db.hookCursor() == 3)
        #expect(try db.recordHookDeliveries([], cursor: 9, now: Self.t0) == 0)
        #expect(try db.hookCursor() == 9)
        let all = try db.hookDeliveries()
        #expect(
            all.map { "\($0.hook)/\($0.action.rawValue)/\($0.eventID)" } == ["chat/url/3", "chat/command/3", "ops/url/3", "chat/url/5"])
        #expect(all.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.lastError == nil })
        #expect(all[0].deliveryID == "3-chat" && all[1].deliveryID == "3-chat", "both actions of one hook announce one thing")
        #expect(all[0].payload == "{\"n\":3}" && all[0].kitID == "k3" && all[0].event == "kit_complete")
        #expect(try db.hookDeliveries(hook: "ops").count == 1)
    }

    @Test func attemptsSettleOnlyPendingDeliveries() throws {
        let store = try StoreFixture()
        let db = store.database
        try db.recordHookDeliveries(
            [Self.delivery("a", event: 1), Self.delivery("b", event: 2), Self.delivery("c", event: 3)], cursor: 3, now: Self.t0)
        #expect(try db.dueHookDeliveries(now: Self.t0).map(\.hook) == ["a", "b", "c"])
        #expect(try db.dueHookDeliveries(now: Self.t0.addingTimeInterval(-1)).isEmpty, "not due before they were found")
        let ids = try db.hookDeliveries().map(\.id)

        try db.recordHookAttempt(id: ids[0], attempts: 1, .delivered, now: Self.t0)
        try db.recordHookAttempt(id: ids[1], attempts: 1, .retry(at: Self.t0.addingTimeInterval(30), error: "HTTP 500"), now: Self.t0)
        try db.recordHookAttempt(id: ids[2], attempts: 8, .failed(error: "gave up"), now: Self.t0)
        // A late record for a delivery already settled changes nothing.
        try db.recordHookAttempt(id: ids[0], attempts: 2, .failed(error: "late"), now: Self.t0)

        let all = try db.hookDeliveries()
        #expect(all.map(\.status) == [.delivered, .pending, .failed])
        #expect(all.map(\.attempts) == [1, 1, 8])
        #expect(all[0].lastError == nil && all[1].lastError == "HTTP 500" && all[2].lastError == "gave up")
        #expect(try db.dueHookDeliveries(now: Self.t0.addingTimeInterval(29)).isEmpty)
        #expect(try db.dueHookDeliveries(now: Self.t0.addingTimeInterval(30)).map(\.hook) == ["b"])
        #expect(try db.nextHookDeliveryAt() == Self.t0.addingTimeInterval(30))
        try db.recordHookAttempt(id: ids[1], attempts: 2, .delivered, now: Self.t0)
        #expect(try db.nextHookDeliveryAt() == nil)
        #expect(try db.hookDeliveries()[1].lastError == "HTTP 500", "the last error is kept after a later success")
    }

    @Test func theSchemaRefusesASecondRowAndUnknownValues() throws {
        let store = try StoreFixture()
        let db = store.database
        try db.recordHookDeliveries([Self.delivery("a", event: 1)], cursor: 1, now: Self.t0)
        let columns = "hook, action, event_id, event, kit_id, next_at, payload, created_at, updated_at"
        #expect(throws: (any Error).self) {
            try db.execute("INSERT INTO hook_deliveries (\(columns)) VALUES ('a', 'url', 1, 'e', 'k', 'x', '{}', 'x', 'x')")
        }
        #expect(throws: (any Error).self) {
            try db.execute("INSERT INTO hook_deliveries (\(columns)) VALUES ('a', 'email', 2, 'e', 'k', 'x', '{}', 'x', 'x')")
        }
        #expect(throws: (any Error).self) { try db.execute("UPDATE hook_deliveries SET status = 'sent'") }
        #expect(throws: (any Error).self) { try db.execute("INSERT INTO hook_cursor (id, last_event_id) VALUES (2, 0)") }
    }

    @Test func settledDeliveriesArePrunedPendingOnesStay() throws {
        let store = try StoreFixture()
        let db = store.database
        try db.recordHookDeliveries((1...3).map { Self.delivery("a", event: $0) }, cursor: 3, now: Self.t0)
        let ids = try db.hookDeliveries().map(\.id)
        try db.recordHookAttempt(id: ids[0], attempts: 1, .delivered, now: Self.t0)
        try db.recordHookAttempt(id: ids[1], attempts: 1, .failed(error: "x"), now: Self.t0.addingTimeInterval(10))
        #expect(try db.pruneHookDeliveries(settledBefore: Self.t0) == 0, "settled at t0: not before it")
        #expect(try db.pruneHookDeliveries(settledBefore: Self.t0.addingTimeInterval(5)) == 1)
        #expect(try db.pruneHookDeliveries(settledBefore: Self.t0.addingTimeInterval(86_400 * 365)) == 1)
        #expect(try db.hookDeliveries().map(\.eventID) == [3], "the pending one stays, however old")
    }
}
