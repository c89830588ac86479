import Synchronization
import Testing

@testable import RefkitPipeline

final class InFlightCounter: Sendable {
    let state = Mutex((now: 0, peak: 0))
}

@Suite("Provider request slots")
struct RequestSlotsTests {
    @Test func neverMoreInFlightThanTheLimit() async throws {
        let slots = RequestSlots(limit: 3)
        let inFlight = InFlightCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await slots.acquire()
                    inFlight.state.withLock {
                        $0.now += 1
                        $0.peak = max($0.peak, $0.now)
                    }
                    await Task.yield()
                    try await Task.sleep(for: .milliseconds(2))
                    inFlight.state.withLock { $0.now -= 1 }
                    slots.release()
                }
            }
            try await group.waitForAll()
        }
        #expect(inFlight.state.withLock { $0.peak } == 3)
        #expect(slots.usage.inFlight == 0)
        #expect(slots.usage.peak == 3)
    }

    @Test func aCancelledWaiterLeavesTheQueueAndTheSlotGoesToTheNext() async throws {
        let slots = RequestSlots(limit: 1)
        try await slots.acquire()
        let cancelled = Task { try await slots.acquire() }
        let queued = Task { try await slots.acquire() }
        // Both wait: the only slot is held.
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        slots.release()
        try await queued.value
        #expect(slots.usage.inFlight == 1, "the slot went to the waiter that was not cancelled")
        slots.release()
        #expect(slots.usage.inFlight == 0)
    }

    @Test func aTaskCancelledBeforeItAsksGetsNoSlot() async throws {
        let slots = RequestSlots(limit: 1)
        try await slots.acquire()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await slots.acquire()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        slots.release()
        #expect(slots.usage.inFlight == 0)
    }
}
