import Foundation
import RefkitCore
import Testing

/// Which kits retention removes: finished ones unchanged for more than N days, never one still
/// being made or waiting for a person.
@Suite("Kit expiry")
struct KitExpiryTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func kit(_ id: String, _ status: KitStatus, daysAgo: Double, watch: String = "w") -> KitExpiry.Kit {
        KitExpiry.Kit(
            id: id, name: "kit-\(id)", watch: watch, status: status,
            updatedAt: Timestamp.string(now.addingTimeInterval(-daysAgo * 86_400)))
    }

    @Test func theBoundaryIsExactlyNDays() {
        let exactly = Self.kit("a", .complete, daysAgo: 14)
        #expect(!KitExpiry.isDue(exactly, days: 14, now: Self.now), "changed exactly 14 days ago: kept")
        var older = exactly
        older.updatedAt = Timestamp.string(Self.now.addingTimeInterval(-14 * 86_400 - 0.001))
        #expect(KitExpiry.isDue(older, days: 14, now: Self.now), "a millisecond older: due")
        #expect(!KitExpiry.isDue(Self.kit("b", .complete, daysAgo: 13.9), days: 14, now: Self.now))
        #expect(KitExpiry.isDue(Self.kit("c", .complete, daysAgo: 1.01), days: 1, now: Self.now))
        #expect(!KitExpiry.isDue(Self.kit("d", .complete, daysAgo: -2), days: 1, now: Self.now), "a clock set back keeps the kit")
    }

    @Test("finished kits are due, unfinished ones never", arguments: KitStatus.allCases)
    func statuses(_ status: KitStatus) {
        let due = KitExpiry.isDue(Self.kit("a", status, daysAgo: 400), days: 14, now: Self.now)
        #expect(due == [.complete, .partial, .failed].contains(status), "\(status)")
    }

    @Test func eachWatchHasItsOwnRetentionAndNoneMeansKept() {
        let kits = [
            Self.kit("young", .complete, daysAgo: 3, watch: "civitai"),
            Self.kit("old", .partial, daysAgo: 20, watch: "civitai"),
            Self.kit("older", .failed, daysAgo: 30, watch: "civitai"),
            Self.kit("manual-old", .complete, daysAgo: 300, watch: "manual"),
            Self.kit("short", .complete, daysAgo: 3, watch: "short"),
            Self.kit("busy", .generating, daysAgo: 300, watch: "short"),
        ]
        let days: [String: Int] = ["civitai": 14, "short": 2]
        let due = KitExpiry.due(kits, now: Self.now, days: { days[$0] })
        #expect(due.map(\.id) == ["older", "old", "short"], "oldest first; manual has no retention; busy is busy")
        #expect(KitExpiry.due(kits, now: Self.now, days: { _ in nil }).isEmpty, "off by default")
    }
}
