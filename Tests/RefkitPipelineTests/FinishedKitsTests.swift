import RefkitCore
import Testing

@testable import RefkitPipeline

@Suite("Finished kits")
struct FinishedKitsTests {
    @Test func countsKitsByTheirLatestStatusAndPeriodsByWhatChanged() {
        var kits = FinishedKits()
        kits.record(kitID: "a", .partial)
        kits.record(kitID: "b", .complete)
        let hourOne = kits
        kits.record(kitID: "a", .complete)  // retried
        kits.record(kitID: "c", .failed)
        #expect(kits.counts == [.complete: 2, .failed: 1])
        #expect(kits.finished(since: hourOne) == [.complete: 1, .failed: 1])
        #expect(kits.finished(since: kits).isEmpty)
        var retired = FinishedKits()
        retired.record(kitID: "a", .partial)
        retired.merge(kits)
        #expect(retired.counts == [.complete: 2, .failed: 1], "a later generation's status wins")
    }
}
