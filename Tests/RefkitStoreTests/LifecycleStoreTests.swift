import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("Store: kit life cycle")
struct LifecycleStoreTests {
    /// Makes every stage of the kit done, as the scheduler would.
    func completeAll(_ store: StoreFixture, kitID: String) throws {
        for stage in try store.database.stages(kitID: kitID) {
            try store.database.startStage(id: stage.id, kitID: kitID, provider: "p", model: nil, prompt: "x", seed: 1)
            try store.database.completeStage(
                id: stage.id, kitID: kitID, stage: stage.stage, file: "work/\(kitID)/\(stage.stage).1.png",
                sha256: String(repeating: "a", count: 64),
                format: .png, width: 8, height: 8, model: "m", costUSD: 0.01, durationMs: 5, locksReference: stage.stage == .avatar)
        }
    }

    /// A command that lands while the daemon publishes the kit is not lost: marking the kit
    /// finished checks that its stages are still what the publish saw.
    @Test func finishingAKitThatChangedDuringItsPublishIsRefused() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        try completeAll(store, kitID: kitID)
        let seen = try store.database.stagesFingerprint(kitID: kitID)
        // The CLI, in another connection, regenerates a stage during the publish.
        try store.secondOpen().regenerate(kit: kitID, stages: [.side])
        let recorded = try store.database.finishKit(
            id: kitID, status: .complete, outboxDir: "/out/mira", errorCode: nil, errorMessage: nil, stagesFingerprint: seen)
        #expect(!recorded)
        #expect(try store.database.kit(kitID)?.status == .queued, "the kit goes on with the regenerated stage")
        #expect(try store.database.stages(kitID: kitID).first { $0.stage == .side }?.status == .pending)
        // Unchanged stages: the kit is marked finished.
        let guarded = try store.database.finishKit(
            id: kitID, status: .complete, outboxDir: nil, errorCode: nil, errorMessage: nil,
            stagesFingerprint: try store.database.stagesFingerprint(kitID: kitID))
        #expect(!guarded, "a pending stage still blocks finishing")
    }

    /// A control order's change and its inbox claim commit together: applied, the claim is
    /// accepted in the same transaction (a restart only removes the file, never applies it
    /// again); refused, the claim stays open for the rejection.
    @Test func aControlOrdersChangeAndItsClaimCommitTogether() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        try completeAll(store, kitID: kitID)
        let controlFile = StoreFixture.file("mira-again.json", inode: 43)
        guard case .claimed(let claim) = try store.database.claim(controlFile) else {
            Issue.record("not claimable")
            return
        }
        try store.database.regenerate(kit: kitID, stages: [.side], claim: claim)
        #expect(try store.database.claim(controlFile) == .alreadyClaimed(id: claim, state: .accepted))

        let second = StoreFixture.file("mira-third.json", inode: 44)
        guard case .claimed(let refused) = try store.database.claim(second) else {
            Issue.record("not claimable")
            return
        }
        #expect(throws: RefkitError.self) { try store.database.regenerate(kit: kitID, stages: [.side], claim: refused) }
        #expect(
            try store.database.claim(second) == .alreadyClaimed(id: refused, state: .claimed),
            "a refused order changes nothing, its claim included")
    }

    /// Nothing may be queued that can never run: a stage whose avatar failed, or a follow-up
    /// on a kit without an avatar.
    @Test func nothingIsQueuedBehindAFailedAvatar() throws {
        let store = try StoreFixture()
        guard case .newKit(let kitID, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        let avatar = try #require(try store.database.stages(kitID: kitID).first { $0.stage == .avatar })
        try store.database.startStage(id: avatar.id, kitID: kitID, provider: "p", model: nil, prompt: "x", seed: 1)
        try store.database.failStage(
            id: avatar.id, kitID: kitID, stage: .avatar, code: "budget_kit_exceeded", message: "no", durationMs: 1, failsKit: true)
        #expect(throws: RefkitError.self) { try store.database.regenerate(kit: kitID, stages: [.side]) }
        do {
            try store.database.regenerate(kit: kitID, stages: [.side])
        } catch let error as RefkitError {
            #expect(error.code.rawValue == "stage_dependency_failed")
        }
        let plan = KitPlan(steps: [KitPlan.Step(stage: .scene("beach"), dependsOn: .avatar)])
        do {
            _ = try store.database.addFollowUp(kitID: kitID, order: StoreFixture.order, plan: plan, claims: [])
            Issue.record("a follow-up was queued behind a failed avatar")
        } catch let error as RefkitError {
            #expect(error.code.rawValue == "order_kit_failed")
        }
        #expect(try store.database.stages(kitID: kitID).allSatisfy { $0.status != .pending }, "nothing waits for ever")
        // Retry is the way: it queues the avatar and what was skipped behind it.
        let retried = try store.database.retryFailed(kit: kitID)
        #expect(Set(retried.stages.map(\.name)) == ["avatar", "reference_avatar", "front", "side", "back"])
    }

    /// A name shared by two kits is refused; the id always works.
    @Test func anAmbiguousNameIsRefused() throws {
        let store = try StoreFixture()
        guard case .newKit(let first, _) = try store.acceptNew() else {
            Issue.record("no kit")
            return
        }
        guard
            case .newKit(let second, _) = try store.acceptNew(
                StoreFixture.file("mira2.jpg", inode: 43), source: StoreFixture.source(seed: 2))
        else {
            Issue.record("no second kit")
            return
        }
        #expect(first != second)
        do {
            _ = try store.database.deleteKit("mira")
            Issue.record("deleted one of two kits named mira")
        } catch let error as RefkitError {
            #expect(error.code.rawValue == "kit_ambiguous")
        }
        try completeAll(store, kitID: first)
        _ = try store.database.finishKit(id: first, status: .complete, outboxDir: nil, errorCode: nil, errorMessage: nil)
        #expect(try store.database.deleteKit(first).kitID == first)
    }
}
