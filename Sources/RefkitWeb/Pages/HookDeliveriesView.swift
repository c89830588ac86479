import RefkitStore

/// What the Hooks page shows: every hook's counts and the deliveries its filter selects, newest
/// first. Read from the store only; the delivery's body is never read.
public struct HookDeliveriesView: Sendable, Equatable {
    /// What is listed.
    public var filter: HookDeliveryFilter
    /// The hooks the filter's menu offers: the configured ones and any with stored deliveries.
    public var hookNames: [String]
    /// Each hook's counts (of the filter's hook only, when it names one).
    public var counts: [HookDeliveryCounts]
    /// The deliveries listed.
    public var deliveries: [HookDeliveryView]

    /// A view from its parts.
    public init(filter: HookDeliveryFilter, hookNames: [String], counts: [HookDeliveryCounts], deliveries: [HookDeliveryView]) {
        self.filter = filter
        self.hookNames = hookNames
        self.counts = counts
        self.deliveries = deliveries
    }

    /// The view of `filter` over `database`, with the `configured` hooks' names.
    public static func load(database: RefkitDatabase, configured: [String], filter: HookDeliveryFilter) throws -> HookDeliveriesView {
        let all = HookDeliveryCounts.including(configured: configured, try database.hookDeliveryCounts())
        let counts = filter.hook.map { hook in all.filter { $0.hook == hook } } ?? all
        return HookDeliveriesView(
            filter: filter, hookNames: all.map(\.hook), counts: counts, deliveries: try database.hookDeliveryViews(filter))
    }
}
