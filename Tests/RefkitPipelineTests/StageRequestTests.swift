import RefkitCore
import RefkitProviders
import Testing

@testable import RefkitPipeline

/// The request built for a stage, from values alone: no store, no work files, no provider.
@Suite("Stage request")
struct StageRequestTests {
    let source = ReferenceImage(bytes: [1, 2, 3], mime: "image/jpeg")
    let locked = ReferenceImage(bytes: [4, 5], mime: "image/png")

    func inputs(_ order: Order = Order(), textOnly: Bool = false) -> StageRequest.Inputs {
        StageRequest.Inputs(kitID: "k1", textOnly: textOnly, order: order)
    }

    @Test func sizeSeedAndModelFollowTheStageAndTheOrder() throws {
        var given = inputs(Order(character: Order.Character(name: "Mira"), model: "m-2"))
        given.source = source
        given.locked = locked
        let request = try StageRequest.make(stage: .side, inputs: given)
        #expect(request.width == Stage.side.imageSize.width && request.height == Stage.side.imageSize.height)
        #expect(request.model == "m-2")
        #expect(request.source?.bytes == source.bytes && request.lockedReference?.bytes == locked.bytes)
        #expect(request.seed == StageRequest.seed(kitID: "k1", stage: "side"))
        #expect(request.prompt == Prompts.prompt(for: .side, character: Order.Character(name: "Mira")))
        given.generation = 2
        let again = try StageRequest.make(stage: .side, inputs: given)
        #expect(again.seed == StageRequest.seed(kitID: "k1", stage: "side#2"), "a regenerated stage gets a seed of its own")
        #expect(again.seed != request.seed)
    }

    @Test func theAnalysisFillsWhatTheOrderLeftOpen() throws {
        let analysis = try JSONValue.parse(Array(#"{"attributes": {"hair_color": "red", "age": "40"}, "description": "a knight"}"#.utf8))
        var given = inputs(Order(character: Order.Character(attributes: [("age", "30")])))
        given.analysis = analysis
        given.source = source
        let request = try StageRequest.make(stage: .front, inputs: given)
        let merged = Order.Character(description: "a knight", attributes: [("age", "30"), ("hair_color", "red")])
        #expect(request.prompt == Prompts.prompt(for: .front, character: merged))
        given.source = nil
        let withoutSource = try StageRequest.make(stage: .front, inputs: given)
        #expect(withoutSource.prompt == Prompts.prompt(for: .front, character: Order.Character(attributes: [("age", "30")])))
    }

    @Test func aFaceSwapNeedsTheLockedFaceAndItsTarget() throws {
        var given = inputs()
        given.source = source
        #expect(throws: RefkitError.self) { try StageRequest.make(stage: .swap("t"), inputs: given) }
        do {
            _ = try StageRequest.make(stage: .swap("t"), inputs: given)
        } catch {
            #expect(error.code.rawValue == "face_swap_needs_locked_reference")
        }
        given.locked = locked
        do {
            _ = try StageRequest.make(stage: .swap("t"), inputs: given)
            Issue.record("no error without a target")
        } catch {
            #expect(error.code.rawValue == "face_swap_target_missing")
        }
        let target = ReferenceImage(bytes: [9], mime: "image/webp")
        given.swapTarget = target
        let request = try StageRequest.make(stage: .swap("t"), inputs: given)
        #expect(request.source?.bytes == target.bytes && request.source?.mime == "image/webp", "the target takes the source's place")
    }

    @Test func aTextOnlyPlanTitlesItsCharactersAndScenes() throws {
        let order = Order(
            scenes: [Order.Scene(id: "beach", description: "on a beach")],
            characters: [Order.Character(name: "ana", description: "a sailor"), Order.Character(name: "bo")])
        var given = inputs(order, textOnly: true)
        let character = try StageRequest.make(stage: .character("ana"), inputs: given)
        #expect(character.title == "ana" && character.body == "a sailor")
        #expect(character.references.isEmpty)
        let made = ReferenceImage(bytes: [7], mime: "image/png")
        given.sceneCharacters = [made]
        let scene = try StageRequest.make(stage: .scene("beach"), inputs: given)
        #expect(scene.title == "beach" && scene.body == "on a beach")
        #expect(scene.references.map(\.bytes) == [made.bytes], "a scene is made with the first character as made")
        #expect(scene.prompt == Prompts.prompt(for: .scene("beach"), character: order.characters[0], scene: "on a beach"))
    }

    @Test func theBudgetClaimTakesTheOrdersBudgetFirstAndNothingForAFreeCall() {
        #expect(StageRequest.budgetClaim(order: Order(budgetUSD: 2), watch: nil, price: 0) == nil)
        let claim = StageRequest.budgetClaim(order: Order(budgetUSD: 2), watch: nil, price: 0.25)
        #expect(claim?.priceUSD == 0.25)
        #expect(claim?.budget == Budget(perKitUSD: 2, perDayUSD: .infinity))
        #expect(StageRequest.budgetClaim(order: Order(), watch: nil, price: 0.25)?.budget == Budget())
    }
}
