import Dispatch
import Foundation
import RefkitSystem
import Synchronization
import Testing

@Suite("Dispatch task executor") struct DispatchTaskExecutorTests {
    /// More tasks than the cooperative pool has threads all block at once until every one has
    /// started: on the cooperative pool they would wait for each other until the barrier timed out.
    @Test(.timeLimit(.minutes(1))) func blockedJobsDoNotHoldBackTheOthers() async {
        let executor = DispatchTaskExecutor(label: "refkit.test.executor")
        let tasks = ProcessInfo.processInfo.activeProcessorCount + 2
        let barrier = Barrier(parties: tasks)
        let met = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<tasks {
                group.addTask(executorPreference: executor) { barrier.arriveAndWait(timeout: .seconds(20)) }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(met == tasks)
    }
}

/// Blocks each caller's thread until `parties` callers have arrived (or the timeout passes).
private final class Barrier: Sendable {
    private let parties: Int
    private let arrived = Mutex(0)
    private let open = DispatchSemaphore(value: 0)

    init(parties: Int) { self.parties = parties }

    /// True when every party arrived before the timeout.
    func arriveAndWait(timeout: DispatchTimeInterval) -> Bool {
        let count = arrived.withLock {
            $0 += 1
            return $0
        }
        if count == parties {
            for _ in 0..<parties { open.signal() }
        }
        return open.wait(timeout: .now() + timeout) == .success
    }
}
