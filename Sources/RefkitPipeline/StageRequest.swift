import RefkitConfig
import RefkitCore
import RefkitDigest
import RefkitProviders
import RefkitStore

/// The request a stage sends its provider, and the budget its call is held to, decided from
/// what was read for the stage (`Inputs`): no store, no files, no clock. The scheduler reads;
/// this decides the prompt, the size, the seed and which images go with the request.
enum StageRequest {
    /// What a stage's request is made from.
    struct Inputs {
        var kitID: String
        var textOnly: Bool
        /// The kit's orders folded (`Order.folded`).
        var order: Order
        /// How many times the stage was made again (`regenerate`): part of its seed.
        var generation = 0
        /// The normalised source (a JPEG), when the kit has one.
        var source: ReferenceImage?
        /// The kit's locked avatar, when the stage is made from it and it is locked.
        var locked: ReferenceImage?
        /// Issue 17, item 2: the kit's best references besides the locked one, best first (`BestReferences`),
        /// for a made image.
        var bestReferences: [ReferenceImage] = []
        /// A face swap's target image, when the stage is one and it is recorded.
        var swapTarget: ReferenceImage?
        /// The analyzer's description of the source, when the order asked for one.
        var analysis: JSONValue?
        /// A text-only scene's characters as made, in the order the scene names them
        /// (`KitPlan.sceneCharacters`): the references it is made from.
        var sceneCharacters: [ReferenceImage] = []
        /// The kit's further sources, normalised, in order (issue 17 item 1; `StageRequest+Sources`).
        var extraSources: [ReferenceImage] = []
    }

    /// The image a stage is made from: a face swap's target takes the source's place.
    static func subject(stage: Stage, inputs: Inputs) throws(RefkitError) -> ReferenceImage? {
        guard case .swap = stage else { return inputs.source }
        // A face swap works on its target image, with the locked face as the reference.
        guard inputs.locked != nil else {
            throw RefkitError(.faceSwapNeedsLockedReference, "the kit has no locked avatar to take the face from")
        }
        guard let target = inputs.swapTarget else {
            throw RefkitError(.faceSwapTargetMissing, "the face swap's target image is not recorded")
        }
        return target
    }

    static func make(stage: Stage, inputs: Inputs) throws(RefkitError) -> GenerationRequest {
        let source = try subject(stage: stage, inputs: inputs)
        let order = inputs.order
        var references = sourceReferences(stage: stage, inputs: inputs)
        var facts = order.character ?? Order.Character()
        if let analysis = inputs.analysis, source != nil, !inputs.textOnly { facts = facts.merging(analyzed: analysis) }
        if case .image = stage {
            return try madeImage(stage: stage, inputs: inputs, character: facts, source: source, references: references)
        }
        var title = ""
        var body = ""
        var shown: [Order.Character] = []
        if inputs.textOnly {
            if case .character(let name) = stage, let c = order.characters.first(where: { $0.name == name }) {
                facts = c
                title = name
                body = c.description ?? ""
            } else if case .scene(let id) = stage {
                // The characters it names (or the first), each with its reference; none: a place.
                let scene = order.scenes.first { $0.id == id } ?? Order.Scene(id: id, description: "")
                shown = KitPlan.sceneCharacters(scene, in: order).compactMap { n in order.characters.first { $0.name == n } }
                references += inputs.sceneCharacters
            }
        }
        var characters = [facts]
        if inputs.textOnly, case .scene = stage { characters = shown }
        var sceneText: String?
        if case .scene(let id) = stage {
            sceneText = order.scenes.first { $0.id == id }?.description
            if inputs.textOnly {
                title = id
                body = sceneText ?? ""
            }
        }
        let (width, height) = stage.imageSize
        let seedName = inputs.generation == 0 ? stage.name : "\(stage.name)#\(inputs.generation)"
        let prompt = Prompts.prompt(for: stage, characters: characters, scene: sceneText, templates: order.prompts)
        var request = GenerationRequest(
            kitID: inputs.kitID, stage: stage, prompt: prompt, source: source,
            lockedReference: inputs.locked, references: references, width: width, height: height,
            seed: seed(kitID: inputs.kitID, stage: seedName), model: order.model, title: title, body: body)
        request.negativePrompt = order.negativePrompt
        return request
    }

    /// Deterministic per kit and stage, so a preview is the same after a restart.
    static func seed(kitID: String, stage: String) -> UInt64 {
        let hex = SHA256Digest.hex(of: Array("\(kitID)/\(stage)".utf8))
        return UInt64(hex.prefix(15), radix: 16) ?? 1
    }

    /// What a call costing `price` asks of the kit's budgets (the order's `budget_usd`, else the
    /// watch's `max_cost_per_kit_usd`; the watch's `max_cost_per_day_usd`); nil when free.
    static func budgetClaim(order: Order, watch: Configuration.Watch?, price: Double) -> BudgetClaim? {
        guard price > 0 else { return nil }
        let budget = Budget(
            perKitUSD: order.budgetUSD ?? watch?.maxCostPerKitUSD ?? .infinity, perDayUSD: watch?.maxCostPerDayUSD ?? .infinity)
        return BudgetClaim(budget: budget, priceUSD: price)
    }
}
