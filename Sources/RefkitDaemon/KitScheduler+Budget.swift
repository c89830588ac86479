import RefkitCore
import RefkitProviders
import RefkitStore

extension KitScheduler {
    /// What a call costing `price` asks of the kit's budgets (the order's `budget_usd`, else
    /// the watch's `max_cost_per_kit_usd`; the watch's `max_cost_per_day_usd`); nil when free.
    nonisolated func budgetClaim(kitID: String, price: Double) throws -> BudgetClaim? {
        guard price > 0 else { return nil }
        let order = try effectiveOrder(kitID: kitID)
        let watch = try database.kit(kitID).flatMap { configuration.watch(named: $0.watch) }
        let budget = Budget(
            perKitUSD: order.budgetUSD ?? watch?.maxCostPerKitUSD ?? .infinity, perDayUSD: watch?.maxCostPerDayUSD ?? .infinity)
        return BudgetClaim(budget: budget, priceUSD: price)
    }
}

extension KitScheduler {
    /// A stage's paid call timed out: it is not known to be free, so its price stays counted
    /// (`keepTimedOutCall`), and when it is `retrying` the next call reserves its own price,
    /// throwing the budget's refusal when it no longer fits.
    nonisolated func keepTimedOutCall(stageID: Int64, kitID: String, price: Double, retrying: Bool) throws {
        guard price > 0 else { return }
        try database.keepTimedOutCall(stageID: stageID)
        if retrying, let claim = try budgetClaim(kitID: kitID, price: price) {
            try database.reserveAnotherCall(stageID: stageID, kitID: kitID, claim: claim)
        }
    }
}

extension KitScheduler {
    /// One analyzer call within the kit's budgets, like a stage's: its price (`[analyzer]
    /// price_per_call_usd`) is reserved before it starts (throwing the budget's refusal), spent
    /// when it answers and released when it fails.
    nonisolated func paidAnalyzerCall<T: Sendable>(
        kitID: String, subject: String, _ call: () async throws(ProviderError) -> T
    ) async throws -> T {
        let price = configuration.analyzer?.pricePerCallUSD ?? 0
        guard let claim = try budgetClaim(kitID: kitID, price: price),
            let reservation = try database.reserveBudget(kitID: kitID, subject: subject, claim: claim)
        else { return try await call() }
        let result: T
        do {
            result = try await call()
        } catch {
            try? database.settleReservation(id: reservation, spentUSD: nil)
            throw error
        }
        // Left reserved if this write fails: counted until the next start, never under-counted.
        try? database.settleReservation(id: reservation, spentUSD: price)
        return result
    }
}
