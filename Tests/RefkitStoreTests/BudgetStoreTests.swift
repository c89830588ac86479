import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// Reservations: a paid call's price is counted from the transaction that marks its stage
/// running until the call ends (released without an image, moved onto the stage when it completes).
@Suite("Store: budget reservations")
struct BudgetStoreTests {
    static let price = 0.05

    func start(_ store: StoreFixture, _ stage: StageRecord, _ budget: Budget) throws {
        try store.database.startStage(
            id: stage.id, kitID: stage.kitID, provider: "p", model: nil, prompt: "x", seed: 1,
            budget: BudgetClaim(budget: budget, priceUSD: Self.price))
    }

    func complete(_ store: StoreFixture, _ stage: StageRecord) throws {
        try store.database.completeStage(
            id: stage.id, kitID: stage.kitID, stage: stage.stage, file: "work/\(stage.stage).png",
            sha256: String(repeating: "b", count: 64),
            format: .png, width: 8, height: 8, model: "m", costUSD: Self.price, durationMs: 5, locksReference: false)
    }

    func fail(_ store: StoreFixture, _ stage: StageRecord) throws {
        try store.database.failStage(
            id: stage.id, kitID: stage.kitID, stage: stage.stage, code: "provider_no_image", message: "no", durationMs: 1, failsKit: false)
    }

    func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as RefkitError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test func callsInFlightCountUntilTheyEnd() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        // Stages that depend on nothing that fails here (failing the avatar would skip the rest).
        let stages = Array(try store.database.stages(kitID: kitID).dropFirst())
        let budget = Budget(perKitUSD: 0.12)
        try start(store, stages[0], budget)
        try start(store, stages[1], budget)
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.10) < 1e-9, "two calls in flight, nothing recorded yet")
        #expect(refusal { try start(store, stages[2], budget) } == "budget_kit_exceeded")
        let refused = try store.database.stages(kitID: kitID).first { $0.id == stages[2].id }
        #expect(refused?.status == .pending, "a refused call changes nothing")

        // The first call fails without an image: its price is released and the third fits.
        try fail(store, stages[0])
        try start(store, stages[2], budget)
        // The second is paid and completes: its price moves onto the stage, counted once.
        try store.database.recordPaidCall(stageID: stages[1].id, costUSD: Self.price)
        try complete(store, stages[1])
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.10) < 1e-9)
        // The third is paid but its image is unusable: the money stays counted after the stage fails.
        try store.database.recordPaidCall(stageID: stages[2].id, costUSD: Self.price)
        try fail(store, stages[2])
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.10) < 1e-9)
        #expect(refusal { try start(store, stages[3], budget) } == "budget_kit_exceeded")
    }

    /// A fallback provider starts the same stage again: the first call's reservation ends
    /// (released if unpaid, kept as spend if paid) and only the new one is in flight.
    @Test func startingAStageAgainEndsItsPreviousCall() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        let avatar = try #require(try store.database.stages(kitID: kitID).first)
        let budget = Budget(perKitUSD: 0.12)
        try start(store, avatar, budget)
        try start(store, avatar, budget)
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.05) < 1e-9)
        try store.database.recordPaidCall(stageID: avatar.id, costUSD: Self.price)
        try start(store, avatar, budget)
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.10) < 1e-9, "the paid first call and the fallback's reservation")
        try complete(store, avatar)
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.10) < 1e-9)
        #expect(abs((try store.database.stages(kitID: kitID).first?.costUSD ?? 0) - 0.05) < 1e-9)
    }

    /// The daily cap counts every kit's calls in flight in the watch; a restart releases calls
    /// that died with the process.
    @Test func theDayCountsEveryKitsReservationsUntilARestart() throws {
        let store = try StoreFixture()
        guard case .newKit(let first, _) = try store.acceptNew(),
            case .newKit(let second, _) = try store.acceptNew(StoreFixture.file("ada.jpg", inode: 43), source: StoreFixture.source(seed: 2))
        else {
            Issue.record("no kits")
            return
        }
        let budget = Budget(perDayUSD: 0.08)
        try start(store, try #require(try store.database.stages(kitID: first).first), budget)
        let other = try #require(try store.database.stages(kitID: second).first)
        #expect(refusal { try start(store, other, budget) } == "budget_day_exceeded")
        #expect(abs(try store.database.spendToday(watch: "manual") - 0.05) < 1e-9)
        #expect(try store.database.requeueInterruptedStages() == 1)
        #expect(try store.database.spendToday(watch: "manual") == 0)
        try start(store, other, budget)
    }

    /// Money a deleted kit spent today stays spent: `refkit delete` must not give the daily cap
    /// room back (an unattended batch that cleans up its kits would otherwise spend without end).
    @Test func aDeletedKitsSpendStillCountsForTheDay() throws {
        let store = try StoreFixture()
        guard case .newKit(let first, _) = try store.acceptNew(),
            case .newKit(let second, _) = try store.acceptNew(StoreFixture.file("ada.jpg", inode: 43), source: StoreFixture.source(seed: 2))
        else {
            Issue.record("no kits")
            return
        }
        let budget = Budget(perDayUSD: 0.10)
        // Two paid stages of the first kit, the avatar's dependants still waiting (so it can be deleted).
        let made = Array(try store.database.stages(kitID: first).dropFirst().prefix(2))
        for stage in made {
            try start(store, stage, budget)
            try store.database.recordPaidCall(stageID: stage.id, costUSD: Self.price)
            try complete(store, stage)
        }
        #expect(abs(try store.database.spendToday(watch: "manual") - 0.10) < 1e-9)
        _ = try store.database.deleteKit(first)
        #expect(abs(try store.database.spendToday(watch: "manual") - 0.10) < 1e-9, "the deleted kit's spend left the day")
        #expect(abs(try store.database.spendToday(watch: nil) - 0.10) < 1e-9)
        let other = try #require(try store.database.stages(kitID: second).first)
        #expect(refusal { try start(store, other, budget) } == "budget_day_exceeded")
    }

    /// An analyzer call reserves like a stage; answered, it stays as spend; failed, it is released.
    @Test func aCallWithoutAStageIsReservedThenSpentOrReleased() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        let claim = BudgetClaim(budget: Budget(perKitUSD: 0.12), priceUSD: Self.price)
        let answered = try #require(try store.database.reserveBudget(kitID: kitID, subject: "analysis", claim: claim))
        let failed = try #require(try store.database.reserveBudget(kitID: kitID, subject: "candidate choice", claim: claim))
        #expect(refusal { _ = try store.database.reserveBudget(kitID: kitID, subject: "analysis", claim: claim) } == "budget_kit_exceeded")
        try store.database.settleReservation(id: answered, spentUSD: Self.price)
        try store.database.settleReservation(id: failed, spentUSD: nil)
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.05) < 1e-9)
        #expect(try store.database.requeueInterruptedStages() == 0)
        #expect(abs(try store.database.kitCost(kitID: kitID) - 0.05) < 1e-9, "spent money stays counted across a restart")
    }
}
