import RefkitCore
import RefkitPipeline
import Testing

@testable import RefkitDaemon

/// The generations' bookkeeping through a reload and a stop: no daemon, no file system, no clock.
@Suite("Generation ledger")
struct GenerationLedgerTests {
    @Test func aStopTakesEveryLiveRunOnceAndNoRunIsAdoptedAfterIt() {
        var ledger = GenerationLedger<String>()
        let adopted = (ledger.adopt("g1", number: 1), ledger.adopt("g2", number: 2))
        #expect(adopted == (true, true))
        let stopped = ledger.beginStop()
        #expect(stopped == ["g1", "g2"])
        #expect(ledger.stopping)
        let again = ledger.beginStop()
        #expect(again == nil, "a second stop finds the stop begun")
        let late = ledger.adopt("g3", number: 3)
        #expect(!late, "a reload's generation after the stop is refused")
        #expect(ledger.live.map(\.run) == ["g1", "g2"])
    }

    /// A reload: the old intake ends first (its counts move to `retired`), the old scheduler
    /// drains later; only then is the old run dropped. No count is lost or counted twice.
    @Test func anEndedPartCountsOnceAndARunGoesWhenBothPartsEnded() {
        var ledger = GenerationLedger<String>()
        _ = ledger.adopt("g1", number: 1)
        _ = ledger.adopt("g2", number: 2)
        ledger.intakeEnded(1, accepted: 3, rejected: 1, duplicates: 2)
        #expect(ledger.countingIntakes == ["g2"])
        #expect(ledger.countingSchedulers == ["g1", "g2"], "the old scheduler still drains and counts")
        #expect(ledger.live.map(\.run) == ["g1", "g2"])
        var finished = FinishedKits()
        finished.record(kitID: "k", .partial)
        ledger.schedulerEnded(1, finished: finished, references: 4)
        #expect(ledger.live.map(\.run) == ["g2"])
        #expect(ledger.countingSchedulers == ["g2"])
        let retired = ledger.retired
        #expect([retired.accepted, retired.rejected, retired.duplicates, retired.references] == [3, 1, 2, 4])
        #expect(retired.kits == [.partial: 1])
    }

    @Test func aKitFinishedAgainByALaterSchedulerCountsWithItsLatestStatus() {
        var ledger = GenerationLedger<String>()
        _ = ledger.adopt("g1", number: 1)
        _ = ledger.adopt("g2", number: 2)
        var first = FinishedKits()
        first.record(kitID: "k", .partial)
        var second = FinishedKits()
        second.record(kitID: "k", .complete)
        ledger.schedulerEnded(1, finished: first, references: 0)
        ledger.schedulerEnded(2, finished: second, references: 0)
        #expect(ledger.retired.kits == [.complete: 1])
    }
}
