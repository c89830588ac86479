import RefkitCore
import Testing

@Suite struct EventBroadcastTests {
    @Test func everySubscriberGetsEveryEventPublishedAfterIt() async {
        let broadcast = EventBroadcast<Int>()
        broadcast.publish(0)  // before anyone listens: nobody gets it
        let first = broadcast.subscribe()
        let second = broadcast.subscribe()
        broadcast.publish(1)
        broadcast.publish(2)
        broadcast.finish()
        var a: [Int] = []
        for await value in first { a.append(value) }
        var b: [Int] = []
        for await value in second { b.append(value) }
        #expect(a == [1, 2])
        #expect(b == [1, 2])
    }

    @Test func finishEndsLaterSubscriptionsAtOnce() async {
        let broadcast = EventBroadcast<String>()
        broadcast.finish()
        broadcast.publish("lost")
        var seen: [String] = []
        for await value in broadcast.subscribe() { seen.append(value) }
        #expect(seen.isEmpty)
    }

    @Test func anEndedSubscriberIsRemoved() async {
        let broadcast = EventBroadcast<Int>()
        let stream = broadcast.subscribe()
        #expect(broadcast.subscriberCount == 1)
        let task = Task {
            var seen = 0
            for await _ in stream { seen += 1 }
            return seen
        }
        task.cancel()  // cancelling the iterating task ends the stream, which unsubscribes it
        _ = await task.value
        #expect(broadcast.subscriberCount == 0)
        broadcast.publish(1)  // goes nowhere, and must not crash
    }
}
