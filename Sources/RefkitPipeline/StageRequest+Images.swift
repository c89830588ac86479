import RefkitCore
import RefkitProviders

// Issue 17, item 2: the request of an image made from a kit.
extension StageRequest {
    /// A made image (`image:ID-N`): the user's prompt wrapped with the identity wording
    /// (`Prompts.madeImage`) and the kit's style sentence, the entry's aspect, negative prompt
    /// (else the kit's) and model, a seed of its own
    /// per N, and as references the locked avatar plus `references` (what every stage of the kit
    /// gets) and the kit's best references.
    static func madeImage(
        stage: Stage, inputs: Inputs, character: Order.Character, source: ReferenceImage?, references: [ReferenceImage]
    ) throws(RefkitError) -> GenerationRequest {
        guard let entry = inputs.order.imageRequest(for: stage) else {
            throw RefkitError(.stageUnknown, "the kit's orders have no images entry for this stage", detail: stage.name)
        }
        guard inputs.locked != nil else {
            throw RefkitError(.orderKitHasNoFace, "the kit has no locked avatar to make images from", detail: stage.name)
        }
        let (width, height) = entry.aspect.size
        let seedName = inputs.generation == 0 ? stage.name : "\(stage.name)#\(inputs.generation)"
        var request = GenerationRequest(
            kitID: inputs.kitID, stage: stage,
            prompt: Prompts.withStyle(
                Prompts.madeImage(entry, character: character), character: character, templates: inputs.order.prompts), source: source,
            lockedReference: inputs.locked, references: references + inputs.bestReferences, width: width, height: height,
            seed: seed(kitID: inputs.kitID, stage: seedName),
            // The kit's model belongs to the kit's provider: an entry naming another provider uses that one's.
            model: entry.model ?? (entry.provider == nil ? inputs.order.model : nil))
        // The entry's own negative prompt, else the kit's (its orders' or its watch's).
        request.negativePrompt = entry.negativePrompt ?? inputs.order.negativePrompt
        return request
    }
}
