import Foundation
import RefkitCore
import RefkitPipeline
import Testing

/// What the janitor may remove, decided without a file system or a clock.
@Suite("Retention plan")
struct RetentionPlanTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func kit(
        _ id: String, hoursAgo: Double, finished: Bool = true, published: Bool = true, hasWorkFiles: Bool = true
    ) -> RetentionPlan.Kit {
        .init(
            id: id, updatedAt: Timestamp.string(now.addingTimeInterval(-hoursAgo * 3600)), finished: finished, published: published,
            hasWorkFiles: hasWorkFiles)
    }

    @Test func onlyFinishedPublishedKitsWithWorkFilesAreCandidatesOldestFirst() {
        let plan = RetentionPlan(
            kits: [
                Self.kit("new", hoursAgo: 1), Self.kit("old", hoursAgo: 30), Self.kit("running", hoursAgo: 90, finished: false),
                Self.kit("unpublished", hoursAgo: 90, published: false), Self.kit("pruned", hoursAgo: 90, hasWorkFiles: false),
            ], now: Self.now, retentionHours: 24, maxStateMB: 0)
        #expect(plan.candidates == ["old", "new"])
        #expect(plan.expired == ["old"], "only kits past work_retention_h expire")
        #expect(plan.limit == nil && !plan.isOverLimit(.max), "max_state_mb = 0 bounds nothing")
    }

    @Test func retentionZeroExpiresEveryCandidateAndTiesGoByID() {
        let plan = RetentionPlan(
            kits: [Self.kit("b", hoursAgo: 2), Self.kit("a", hoursAgo: 2), Self.kit("c", hoursAgo: 0)], now: Self.now,
            retentionHours: 0, maxStateMB: 0)
        #expect(plan.candidates == ["a", "b", "c"])
        #expect(plan.expired == ["a", "b", "c"])
    }

    @Test func theSizeBoundIsMaxStateMBInMebibytes() {
        let plan = RetentionPlan(kits: [], now: Self.now, retentionHours: 24, maxStateMB: 3)
        #expect(plan.limit == 3 << 20)
        #expect(!plan.isOverLimit(3 << 20) && plan.isOverLimit((3 << 20) + 1))
    }

    @Test func foldersOfKitsTheDatabaseHasAreNotUnknown() {
        #expect(RetentionPlan.unknownFolders(["k1", "gone", "k2"], knownKits: ["k1", "k2"]) == ["gone"])
    }

    @Test func renamedAwayVersionsComeNewestFirstAndOtherNamesAreLeftAlone() {
        let names = [".refkit-tmp-old-100-a", "kit", ".refkit-tmp-kit-x", ".refkit-tmp-old-300-b", ".refkit-tmp-old-200-c"]
        #expect(RetentionPlan.retiredNewestFirst(names) == [".refkit-tmp-old-300-b", ".refkit-tmp-old-200-c", ".refkit-tmp-old-100-a"])
    }
}
