import Foundation
import RefkitConfig
import RefkitHooks
import RefkitStore
import RefkitTestSupport
import Testing

/// A restart between the steps of a delivery: the first dispatcher stops (is dropped) after it
/// stored the delivery, after it sent it without recording the outcome, or after both; a second
/// one on a fresh connection to the same database file carries on.
@Suite("Hooks: deliveries across a restart", .timeLimit(.minutes(2)))
struct HookRestartTests {
    @Test func storedButNotSentIsSentOnceByTheNextRun() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        let hooks = [HookRig.urlHook(url: receiver.url)]
        do {
            let first = try rig.dispatcher(hooks)
            try rig.finishedKit("mira")
            #expect(try first.scan() == 1)
        }
        #expect(receiver.deliveries.isEmpty)

        let second = try rig.dispatcher(hooks, database: try RefkitDatabase(path: rig.database.path))
        #expect(try second.scan() == 0, "the cursor moved with the insert: the event is not read again")
        await second.pass()
        await second.pass()
        #expect(receiver.deliveries.count == 1)
        #expect(receiver.deliveryIDs == ["\(try rig.database.lastEventID())-chat"])
        await receiver.stop()
    }

    @Test func sentButNotRecordedIsSentAgainUnderTheSameID() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        let hooks = [HookRig.urlHook(url: receiver.url)]
        do {
            let first = try rig.dispatcher(hooks)
            try rig.finishedKit("mira")
            try first.scan()
            let due = try rig.database.dueHookDeliveries(now: rig.now)
            try #require(due.count == 1)
            // The send happens; the process dies before the outcome is written.
            #expect(await first.attempt(due[0], hook: hooks[0]) == .succeeded)
        }
        #expect(try rig.database.hookDeliveries().first?.status == .pending)

        let second = try rig.dispatcher(hooks, database: try RefkitDatabase(path: rig.database.path))
        await second.pass()
        await second.pass()
        #expect(receiver.deliveries.count == 2, "at least once: the unrecorded send is made again")
        #expect(Set(receiver.deliveryIDs).count == 1, "never a new id: the receiver dedupes on it")
        #expect(receiver.deliveries[0].body == receiver.deliveries[1].body)
        #expect(try rig.database.hookDeliveries().map(\.status) == [.delivered])
        await receiver.stop()
    }

    @Test func sentAndRecordedIsNotSentAgain() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        let hooks = [HookRig.urlHook(url: receiver.url)]
        do {
            let first = try rig.dispatcher(hooks)
            try rig.finishedKit("mira")
            await first.pass()
        }
        let second = try rig.dispatcher(hooks, database: try RefkitDatabase(path: rig.database.path))
        await second.pass()
        try rig.finishedKit("olaf")
        await second.pass()
        #expect(receiver.deliveries.count == 2)
        #expect(Set(receiver.deliveryIDs).count == 2, "one delivery per kit, each once")
        await receiver.stop()
    }

    @Test func aDeliveryOfAHookNoLongerConfiguredIsSettled() async throws {
        let rig = try HookRig()
        do {
            let first = try rig.dispatcher([HookRig.commandHook("gone", ["/bin/true"])])
            try rig.finishedKit("mira")
            try first.scan()
        }
        let second = try rig.dispatcher([HookRig.commandHook("other", ["/bin/true"])])
        await second.pass()
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.hook == "gone" && row.status == .failed && row.attempts == 0)
        #expect(row.lastError == "no hook named \"gone\" is configured any more")
    }
}
