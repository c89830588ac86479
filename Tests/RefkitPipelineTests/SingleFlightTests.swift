import RefkitTestSupport
import Testing

@testable import RefkitPipeline

/// Stages of one kit that all need the kit's analysis share one call (SingleFlight).
@Suite("The analysis and a stop: single flight", .timeLimit(.minutes(1)))
struct SingleFlightTests {
    /// The caller that started the shared work is cancelled; one that joined it is not, and
    /// gets the work's result (run again), not the other caller's cancellation.
    @Test func aJoinerIsNotCancelledWithTheCallerThatStartedTheWork() async throws {
        let flight = SingleFlight<Int>()
        let runs = Counter()
        let work: @Sendable () async throws -> Int = {
            let n = await runs.next()
            if n == 1 { try await Task.sleep(for: .seconds(30)) }
            return n
        }
        let starter = Task { try await flight.run("kit", work) }
        try await eventually("the work to start") { await runs.value == 1 }
        let joiner = Task { try await flight.run("kit", work) }
        try await Task.sleep(for: .milliseconds(100))
        starter.cancel()
        #expect(try await joiner.value == 2)
        #expect(await runs.value == 2)
    }
}

actor Counter {
    private(set) var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
