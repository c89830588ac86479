import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// A text-only scene that names several characters waits for all of them and only them, on a
/// real database (issue 17, item 5): the scheduler's query and the failure cascade.
@Suite("Store: scene dependencies")
struct SceneDependencyStoreTests {
    let crew = #"""
        {"characters": [{"name": "captain"}, {"name": "engineer"}, {"name": "cook"}],
         "scenes": [{"id": "bridge", "characters": ["engineer", "captain"]}, {"id": "galley", "characters": ["cook"]},
                    {"id": "engine_room", "characters": ["engineer"]}]}
        """#

    func accept(_ store: StoreFixture) throws -> String {
        let order = try OrderValidator.validate(bytes: Array(crew.utf8))
        guard case .claimed(let claim) = try store.database.claim(StoreFixture.file("crew.json")),
            case .newKit(let kitID, _) = try store.database.accept(
                claims: [claim], watch: "manual", kitName: "crew", priority: 10, source: nil,
                order: NewOrder(origin: .standalone, json: order.jsonValue.serialized, fileName: "crew.json"),
                plan: KitPlan.plan(for: order))
        else { throw FixtureError("not accepted") }
        return kitID
    }

    func runnable(_ store: StoreFixture) throws -> Set<String> {
        Set(try store.database.runnableStages(watch: "manual", excluding: [], limit: 50).map(\.stage.name))
    }

    func done(_ store: StoreFixture, _ kitID: String, _ name: String) throws {
        let stage = try #require(try store.database.stages(kitID: kitID).first { $0.stage.name == name })
        try store.database.startStage(id: stage.id, kitID: kitID, provider: "p", model: nil, prompt: "x", seed: 1)
        try store.database.completeStage(
            id: stage.id, kitID: kitID, stage: stage.stage, file: "work/\(kitID)/\(name).png", sha256: String(repeating: "a", count: 64),
            format: .png, width: 8, height: 8, model: "m", costUSD: 0, durationMs: 1, locksReference: false)
    }

    @Test func aSceneRunsOnceEveryCharacterItNamesIsDone() throws {
        let store = try StoreFixture()
        let kitID = try accept(store)
        let stages = try store.database.stages(kitID: kitID)
        #expect(
            stages.first { $0.stage == .scene("bridge") }?.dependsOn == .stages([.character("engineer"), .character("captain")]),
            "read back from the store")
        #expect(try runnable(store) == ["character:captain", "character:engineer", "character:cook"])
        try done(store, kitID, "character:captain")
        #expect(!(try runnable(store)).contains("scene:bridge"), "the engineer is not made yet")
        try done(store, kitID, "character:engineer")
        #expect(try runnable(store) == ["character:cook", "scene:bridge", "scene:engine_room"])
    }

    @Test func aFailedCharacterSkipsOnlyTheScenesThatNameIt() throws {
        let store = try StoreFixture()
        let kitID = try accept(store)
        try done(store, kitID, "character:captain")
        try done(store, kitID, "character:cook")
        let engineer = try #require(try store.database.stages(kitID: kitID).first { $0.stage == .character("engineer") })
        try store.database.startStage(id: engineer.id, kitID: kitID, provider: "p", model: nil, prompt: "x", seed: 1)
        try store.database.failStage(
            id: engineer.id, kitID: kitID, stage: engineer.stage, code: "provider_safety_block", message: "no", durationMs: 1,
            failsKit: false)
        let after = Dictionary(uniqueKeysWithValues: try store.database.stages(kitID: kitID).map { ($0.stage.name, $0) })
        #expect(after["scene:bridge"]?.status == .skipped && after["scene:bridge"]?.errorCode == "dependency_failed")
        #expect(after["scene:engine_room"]?.status == .skipped)
        #expect(after["scene:galley"]?.status == .pending, "the cook's scene does not wait for the engineer")
        #expect(try runnable(store) == ["scene:galley"])
    }
}
