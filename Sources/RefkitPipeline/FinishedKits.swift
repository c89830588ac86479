import RefkitCore

/// Kits that reached a final status, by id, each with its latest one. Counting kits rather
/// than finish events: a kit that ends partial, is retried and ends complete is one kit, and
/// complete. Periods (the hourly summary) count the kits that finished, or finished
/// differently, since an earlier snapshot.
public struct FinishedKits: Sendable, Equatable {
    public private(set) var latest: [String: KitStatus] = [:]

    public init() {}

    /// `status` is the kit's latest final status.
    public mutating func record(kitID: String, _ status: KitStatus) { latest[kitID] = status }

    /// `later` wins for a kit both know (it finished again since).
    public mutating func merge(_ later: FinishedKits) { latest.merge(later.latest) { $1 } }

    /// Kits per final status.
    public var counts: [KitStatus: Int] { latest.values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    /// Kits per final status that finished since `earlier` (new, or with another status).
    public func finished(since earlier: FinishedKits) -> [KitStatus: Int] {
        latest.filter { earlier.latest[$0.key] != $0.value }.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
