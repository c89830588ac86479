import RefkitCore
import RefkitProviders

// Issue 17 item 1: a character's further sources go with every stage, and to the analyzer.
extension StageRequest {
    /// The references a stage gets from its kit's further sources: all of them, in the order
    /// given (the primary is the request's `source`), before any other reference, so a
    /// provider that takes fewer keeps the character's own photos first (`InputImageCap`). A
    /// face swap gets none: its apps take exactly the target and the locked face.
    static func sourceReferences(stage: Stage, inputs: Inputs) -> [ReferenceImage] {
        if case .swap = stage { return [] }
        return inputs.textOnly ? [] : inputs.extraSources
    }

    /// What the analyzer reads: the stage's subject (the primary source) and the further sources.
    static func analyzed(subject: ReferenceImage, stage: Stage, inputs: Inputs) -> [ReferenceImage] {
        [subject] + sourceReferences(stage: stage, inputs: inputs)
    }
}
