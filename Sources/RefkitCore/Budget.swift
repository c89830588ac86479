/// The ceilings a paid call must fit under: the kit's (the order's `budget_usd`, else the
/// watch's `max_cost_per_kit_usd`) and the watch's per UTC day (`max_cost_per_day_usd`).
/// Spend counts what was recorded and what calls in flight have reserved, so calls that start
/// together cannot each see room for themselves.
public struct Budget: Sendable, Equatable {
    public var perKitUSD: Double
    public var perDayUSD: Double

    public init(perKitUSD: Double = .infinity, perDayUSD: Double = .infinity) {
        self.perKitUSD = perKitUSD
        self.perDayUSD = perDayUSD
    }

    /// Why a call costing `price` may not start, given the kit's and the day's spend (recorded
    /// plus reserved); nil when it fits under both.
    public func refusal(price: Double, kitSpendUSD: Double, daySpendUSD: Double) -> RefkitError? {
        guard price > 0 else { return nil }
        // A tolerance for sums of binary fractions: 0.04 + 0.04 + 0.04 must fit a budget of 0.12.
        let epsilon = 1e-9
        if kitSpendUSD + price > perKitUSD + epsilon {
            return RefkitError(
                .budgetKitExceeded, "the kit's budget would be exceeded",
                detail: "budget \(perKitUSD) USD, spent or reserved \(Self.dollars(kitSpendUSD)), next call \(price)")
        }
        if daySpendUSD + price > perDayUSD + epsilon {
            return RefkitError(
                .budgetDayExceeded, "the watch's daily budget would be exceeded",
                detail: "max_cost_per_day_usd \(perDayUSD), spent or reserved today \(Self.dollars(daySpendUSD)), next call \(price)")
        }
        return nil
    }

    static func dollars(_ usd: Double) -> String {
        let cents = (usd * 10_000).rounded() / 10_000
        return "\(cents)"
    }
}
