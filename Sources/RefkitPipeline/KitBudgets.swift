import RefkitConfig
import RefkitCore
import RefkitProviders
import RefkitStore

/// The kit's budgets as the pipeline holds paid calls to them: a stage's call reserves its price
/// when the stage starts (`startStage`), an analyzer call around itself, a timed-out call keeps
/// its price and a retry reserves again. The claim itself is decided by `StageRequest.budgetClaim`.
struct KitBudgets: Sendable {
    let configuration: Configuration
    let database: RefkitDatabase

    /// What a call costing `price` asks of the kit's budgets (the order's `budget_usd`, else
    /// the watch's `max_cost_per_kit_usd`; the watch's `max_cost_per_day_usd`); nil when free.
    func claim(kitID: String, price: Double) throws -> BudgetClaim? {
        guard price > 0 else { return nil }
        let watch = try database.kit(kitID).flatMap { configuration.watch(named: $0.watch) }
        return StageRequest.budgetClaim(order: try database.kitOrder(kitID: kitID), watch: watch, price: price)
    }

    /// A stage's paid call timed out: it is not known to be free, so its price stays counted
    /// (`keepTimedOutCall`), and when it is `retrying` the next call reserves its own price,
    /// throwing the budget's refusal when it no longer fits.
    func keepTimedOutCall(stageID: Int64, kitID: String, price: Double, retrying: Bool) throws {
        guard price > 0 else { return }
        try database.keepTimedOutCall(stageID: stageID)
        if retrying, let claim = try claim(kitID: kitID, price: price) {
            try database.reserveAnotherCall(stageID: stageID, kitID: kitID, claim: claim)
        }
    }

    /// One analyzer call within the kit's budgets, like a stage's: its price (`[analyzer]
    /// price_per_call_usd`) is reserved before it starts (throwing the budget's refusal), spent
    /// when it answers and released when it fails.
    func paidAnalyzerCall<T: Sendable>(
        kitID: String, subject: String, _ call: () async throws(ProviderError) -> T
    ) async throws -> T {
        try await paidCall(kitID: kitID, subject: subject, price: configuration.analyzer?.pricePerCallUSD ?? 0) { try await call() }
    }

    /// One paid call that is not a stage's image (the analyzer, the QA judge) within the kit's
    /// budgets: `price` is reserved before it starts (throwing the budget's refusal), spent when
    /// it answers and released when it fails.
    func paidCall<T: Sendable>(kitID: String, subject: String, price: Double, _ call: () async throws -> T) async throws -> T {
        guard let claim = try claim(kitID: kitID, price: price),
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
