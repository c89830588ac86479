import RefkitCore
import RefkitProviders
import Testing

@testable import RefkitPipeline

/// Issue 17, item 2: which references go with a made image, and its request, from values alone.
@Suite("Made image request")
struct MadeImageRequestTests {
    typealias Candidate = BestReferences.Candidate

    @Test func qaPassedViewsComeFirstThenUncheckedThenWarnedAndFailedNever() {
        let candidates = [
            Candidate(stage: .avatar, file: "a", verdict: .pass),
            Candidate(stage: .back, file: "b", verdict: .pass),
            Candidate(stage: .side, file: "s", verdict: .pass),
            Candidate(stage: .front, file: "f", verdict: .warn),
            Candidate(stage: .referenceAvatar, file: "r", verdict: .fail),
            Candidate(stage: .profile, file: "p", verdict: nil),
            Candidate(stage: .halfBody, file: "h", verdict: .pass),
            Candidate(stage: .scene("beach"), file: "sc", verdict: .pass),
            Candidate(stage: .image(id: "x", n: 1), file: "i", verdict: .pass),
        ]
        #expect(BestReferences(candidates, limit: 10).stages == [.halfBody, .side, .profile, .front])
        #expect(BestReferences(candidates).stages == [.halfBody, .side, .profile], "up to the limit, best first")
        #expect(BestReferences(candidates, limit: 0).stages.isEmpty)
    }

    @Test func withoutQATheIdentityBearingViewsGoInTheirOrder() {
        let unchecked = [Stage.fullBody, .side, .expression("smile"), .front, .referenceAvatar, .profile, .halfBody].map {
            Candidate(stage: $0, file: $0.name, verdict: nil)
        }
        #expect(
            BestReferences(unchecked, limit: 7).stages == [
                .referenceAvatar, .front, .profile, .halfBody, .fullBody, .expression("smile"), .side,
            ])
        var stale = unchecked
        stale[4].current = false
        #expect(!BestReferences(stale, limit: 7).stages.contains(.referenceAvatar), "made from an earlier avatar: not sent")
    }

    func inputs(_ image: Order.ImageRequest, model: String? = nil) -> StageRequest.Inputs {
        var order = Order(kit: "mira", character: Order.Character(name: "Mira"), model: model)
        order.images = [image]
        var inputs = StageRequest.Inputs(kitID: "k1", textOnly: false, order: order)
        inputs.source = ReferenceImage(bytes: [1], mime: "image/jpeg")
        inputs.locked = ReferenceImage(bytes: [2], mime: "image/png")
        inputs.bestReferences = [ReferenceImage(bytes: [3], mime: "image/png"), ReferenceImage(bytes: [4], mime: "image/png")]
        return inputs
    }

    @Test func theRequestCarriesTheWordsSizeSeedReferencesAndNegativePrompt() throws {
        let entry = Order.ImageRequest(id: "dress", prompt: "a red dress", count: 2, negativePrompt: "hat", aspect: .wide)
        let given = inputs(entry, model: "kit-model")
        let first = try StageRequest.make(stage: .image(id: "dress", n: 1), inputs: given)
        let second = try StageRequest.make(stage: .image(id: "dress", n: 2), inputs: given)
        #expect(first.prompt == Prompts.madeImage(entry, character: Order.Character(name: "Mira")))
        #expect(first.width == 1280 && first.height == 720)
        #expect(first.negativePrompt == "hat")
        #expect(first.seed != second.seed, "each image has a seed of its own")
        #expect(first.lockedReference?.bytes == [2] && first.source?.bytes == [1])
        #expect(first.references.map(\.bytes) == [[3], [4]])
        #expect(first.model == "kit-model", "no provider of its own: the kit's model")
        var other = entry
        other.provider = "fal"
        let elsewhere = try StageRequest.make(stage: .image(id: "dress", n: 1), inputs: inputs(other, model: "kit-model"))
        #expect(elsewhere.model == nil, "the kit's model is not sent to another provider")
        other.model = "fal-ai/x"
        #expect(try StageRequest.make(stage: .image(id: "dress", n: 1), inputs: inputs(other, model: "kit-model")).model == "fal-ai/x")
    }

    @Test func theKitsStyleAndNegativePromptHoldUnlessTheEntrySaysOtherwise() throws {
        let entry = Order.ImageRequest(id: "cafe", prompt: "standing in a coffee shop")
        var given = inputs(entry)
        given.order.prompts = PromptTemplates(style: "Natural daylight, photorealistic.")
        given.order.negativePrompt = "blurry"
        let request = try StageRequest.make(stage: .image(id: "cafe", n: 1), inputs: given)
        #expect(request.prompt.hasPrefix("Standing in a coffee shop.") || request.prompt.hasPrefix("standing in a coffee shop."))
        #expect(request.prompt.hasSuffix(" Natural daylight, photorealistic."), "\(request.prompt)")
        #expect(request.negativePrompt == "blurry", "no negative prompt of its own: the kit's")
        var own = entry
        own.negativePrompt = "hat"
        given.order.images = [own]
        #expect(try StageRequest.make(stage: .image(id: "cafe", n: 1), inputs: given).negativePrompt == "hat")
    }

    @Test func anImageNeedsItsEntryAndTheLockedAvatar() {
        var given = inputs(Order.ImageRequest(id: "dress", prompt: "x"))
        #expect(throws: RefkitError.self) { try StageRequest.make(stage: .image(id: "other", n: 1), inputs: given) }
        given.locked = nil
        #expect(throws: RefkitError.self) { try StageRequest.make(stage: .image(id: "dress", n: 1), inputs: given) }
    }
}
