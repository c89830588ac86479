import RefkitCore
import Testing

/// The gate the generation hand-over waits on: no file system, no clock.
@Suite("Latch")
struct LatchTests {
    @Test func waitersBeforeAndAfterTheOpeningGetItsValue() async {
        let latch = Latch<Bool>()
        #expect(latch.value == nil)
        let early = Task { await latch.wait() }
        let early2 = Task { await latch.wait() }
        latch.open(true)
        latch.open(false)
        let answers = (await early.value, await early2.value)
        #expect(answers.0 == true && answers.1 == true)
        #expect(await latch.wait() == true, "a later wait returns at once")
        #expect(latch.value == true, "the first opening wins")
    }

    @Test func aCancelledWaitEndsWithNilAndLeavesOthersWaiting() async {
        let latch = Latch<Void>()
        let cancelled = Task { await latch.wait() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        let waiting = Task { await latch.wait() }
        latch.open()
        #expect(await waiting.value != nil)
    }

    @Test func anEventCountAddsUpAcrossTasks() async {
        let count = EventCount()
        await withDiscardingTaskGroup { group in
            for _ in 0..<50 { group.addTask { count.add() } }
        }
        #expect(count.value == 50)
    }
}
