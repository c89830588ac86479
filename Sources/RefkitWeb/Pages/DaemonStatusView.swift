import Foundation
import RefkitCore
import RefkitStore

/// The list's header: what `refkit status` says (queue depth, kits by status, today's spend,
/// providers paused by a Retry-After).
public struct DaemonStatusView: Sendable, Equatable {
    /// Stages pending or running.
    public var queueDepth: Int
    /// Kits per status, every status present.
    public var kitsByStatus: [KitStatus: Int]
    public var spendTodayUSD: Double
    public var pausedProviders: [ProviderPause]

    /// A view from its parts.
    public init(queueDepth: Int, kitsByStatus: [KitStatus: Int], spendTodayUSD: Double, pausedProviders: [ProviderPause]) {
        self.queueDepth = queueDepth
        self.kitsByStatus = kitsByStatus
        self.spendTodayUSD = spendTodayUSD
        self.pausedProviders = pausedProviders
    }

    /// Reads the counts `refkit status` reads; `now` decides which provider pauses still last.
    public static func load(database: RefkitDatabase, now: Date = Date()) throws -> DaemonStatusView {
        let summary = try database.statusSummary()
        return DaemonStatusView(
            queueDepth: StatusJSON.queueDepth(summary),
            kitsByStatus: Dictionary(uniqueKeysWithValues: KitStatus.allCases.map { ($0, summary.kitsByStatus[$0.rawValue] ?? 0) }),
            spendTodayUSD: summary.spendTodayUSD, pausedProviders: try database.pausedProviders(now: now))
    }
}
