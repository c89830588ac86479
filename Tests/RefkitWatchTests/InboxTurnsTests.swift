import RefkitWatch
import Testing

@Suite("Intake's turns across inboxes") struct InboxTurnsTests {
    private func file(_ watch: String, _ name: String) -> InboxEvent {
        .ready(
            InboxEntry(
                watch: watch, path: "/in/\(watch)/\(name)", relativePath: name, kind: .regular, size: 1, mtimeNanos: 0, inode: 1,
                device: 1, linkCount: 1))
    }

    private func names(_ turns: inout InboxTurns) -> [String] {
        var out: [String] = []
        while let event = turns.pop() {
            guard case .ready(let entry) = event else { continue }
            out.append("\(entry.watch)/\(entry.relativePath)")
        }
        return out
    }

    @Test func aDropInAQuietInboxIsTakenNextNotAfterTheBatch() {
        var turns = InboxTurns()
        for i in 0..<300 { turns.push(file("batch", "b\(i).png")) }
        _ = turns.pop()  // b0 taken
        turns.push(file("manual", "mira.jpg"))
        #expect(turns.count == 300)
        let order = names(&turns)
        #expect(order.prefix(2) == ["batch/b1.png", "manual/mira.jpg"])
        #expect(order.count == 300)
        #expect(turns.isEmpty)
    }

    @Test func eachInboxKeepsItsOwnOrderAndTurnsAlternate() {
        var turns = InboxTurns()
        for name in ["a.png", "a.json", "b.png"] { turns.push(file("one", name)) }
        for name in ["x.png", "x.json"] { turns.push(file("two", name)) }
        turns.push(.rootPaused(root: "two", reason: "gone"))
        turns.push(.rootResumed(root: "two"))
        var order: [String] = []
        while let event = turns.pop() {
            switch event {
            case .ready(let entry): order.append("\(entry.watch)/\(entry.relativePath)")
            case .rootPaused(let root, _): order.append("\(root):paused")
            case .rootResumed(let root): order.append("\(root):resumed")
            default: break
            }
        }
        #expect(order == ["one/a.png", "two/x.png", "one/a.json", "two/x.json", "one/b.png", "two:paused", "two:resumed"])
    }

    @Test func aLongQueueStaysInOrderAcrossCompaction() {
        var turns = InboxTurns()
        for i in 0..<5000 { turns.push(file("batch", "\(i)")) }
        var seen: [String] = []
        for _ in 0..<3000 { if case .ready(let e)? = turns.pop() { seen.append(e.relativePath) } }
        for i in 5000..<5010 { turns.push(file("batch", "\(i)")) }
        seen += names(&turns).map { String($0.dropFirst("batch/".count)) }
        #expect(seen == (0..<5010).map(String.init))
    }

    @Test func theQueueHandsOutInTurnsAndEndsAfterFinish() async {
        let queue = InboxQueue()
        queue.push(file("batch", "1"))
        queue.push(file("batch", "2"))
        queue.push(file("manual", "m"))
        queue.finish()
        var order: [String] = []
        while let event = await queue.next() { if case .ready(let e) = event { order.append(e.relativePath) } }
        #expect(order == ["1", "m", "2"])
    }

    @Test func aWaitingNextGetsTheNextPushAndCancellationEndsTheWait() async {
        let queue = InboxQueue()
        async let first = queue.next()
        queue.push(file("manual", "m"))  // either hands it to the waiter or queues it for it
        if case .ready(let e)? = await first { #expect(e.relativePath == "m") } else { Issue.record("no event") }
        let waiting = Task { await queue.next() }
        waiting.cancel()
        #expect(await waiting.value == nil)
    }
}
