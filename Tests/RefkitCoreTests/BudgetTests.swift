import RefkitCore
import Testing

@Suite("Budget decisions")
struct BudgetDecisionTests {
    @Test func aCallFitsWhenSpendPlusItsPriceStaysUnderBothCeilings() {
        let budget = Budget(perKitUSD: 0.12, perDayUSD: 1.0)
        #expect(budget.refusal(price: 0.04, kitSpendUSD: 0.08, daySpendUSD: 0.5) == nil, "0.04 + 0.04 + 0.04 fits 0.12 exactly")
        #expect(budget.refusal(price: 0.05, kitSpendUSD: 0.10, daySpendUSD: 0)?.code.rawValue == "budget_kit_exceeded")
        #expect(budget.refusal(price: 0.05, kitSpendUSD: 0, daySpendUSD: 0.96)?.code.rawValue == "budget_day_exceeded")
        #expect(budget.refusal(price: 0, kitSpendUSD: 5, daySpendUSD: 5) == nil, "free calls are never refused")
        #expect(Budget().refusal(price: 100, kitSpendUSD: 1e6, daySpendUSD: 1e6) == nil, "no ceiling")
    }
}
