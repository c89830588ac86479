import RefkitCore
import RefkitProviders
import Testing

@testable import RefkitPipeline

/// The request's prompt, negative prompt and references under prompt control and text-only
/// scenes (issue 17, items 3 and 5), from values alone.
@Suite("Stage request: prompts and scenes")
struct StageRequestPromptTests {
    @Test func theOrdersTemplatesAndNegativePromptShapeTheRequest() throws {
        var order = Order(character: Order.Character(name: "Mira"))
        order.prompts = PromptTemplates(style: "photorealistic", templates: [.side: "Profile of {subject}."])
        order.negativePrompt = "blurry"
        var inputs = StageRequest.Inputs(kitID: "k1", textOnly: false, order: order)
        inputs.locked = ReferenceImage(bytes: [1], mime: "image/png")
        let side = try StageRequest.make(stage: .side, inputs: inputs)
        #expect(side.prompt == "Profile of Mira, the character. photorealistic")
        #expect(side.negativePrompt == "blurry")
        let front = try StageRequest.make(stage: .front, inputs: inputs)
        #expect(front.prompt == Prompts.prompt(for: .front, character: order.character!) + " photorealistic")
        #expect(
            try StageRequest.make(stage: .front, inputs: StageRequest.Inputs(kitID: "k1", textOnly: false, order: Order()))
                .negativePrompt == nil)
    }

    @Test func aTextOnlySceneCarriesItsCharactersReferencesAndAPlaceNone() throws {
        let order = Order(
            scenes: [Order.Scene(id: "deck", description: "on deck", characters: ["bo", "ana"])],
            characters: [Order.Character(name: "ana"), Order.Character(name: "bo", description: "a cook")])
        var inputs = StageRequest.Inputs(kitID: "k1", textOnly: true, order: order)
        let made = [ReferenceImage(bytes: [2], mime: "image/png"), ReferenceImage(bytes: [1], mime: "image/png")]
        inputs.sceneCharacters = made
        let deck = try StageRequest.make(stage: .scene("deck"), inputs: inputs)
        #expect(deck.references.map(\.bytes) == [[2], [1]])
        #expect(
            deck.prompt.hasPrefix("Bo, the character — a cook; and ana, the character, together in this scene: on deck."), "\(deck.prompt)")

        var places = Order(scenes: [Order.Scene(id: "harbour", description: "a harbour")])
        places.scenesOnly = true
        let harbour = try StageRequest.make(
            stage: .scene("harbour"), inputs: StageRequest.Inputs(kitID: "k2", textOnly: true, order: places))
        #expect(harbour.references.isEmpty && harbour.source == nil)
        #expect(harbour.prompt.hasPrefix("A location reference image: a harbour."), "\(harbour.prompt)")
        #expect(harbour.title == "harbour" && harbour.body == "a harbour")
    }
}
