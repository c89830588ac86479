import RefkitCore
import RefkitProviders
import RefkitStore

// Issue 17, item 2: what an image made from a kit is made from, read for `BestReferences`.
extension StageRunner {
    /// The kit's best references besides the locked avatar (`BestReferences`), read from the work files.
    func bestReferences(_ context: StageContext) throws -> [ReferenceImage] {
        let generation = context.kit.referenceGeneration
        let candidates = context.stages.compactMap { record -> BestReferences.Candidate? in
            guard record.status == .done, let file = record.file else { return nil }
            return BestReferences.Candidate(
                stage: record.stage, file: file, verdict: record.qa?.verdict,
                current: !record.madeFromEarlierReference(kitGeneration: generation))
        }
        return try BestReferences(candidates).chosen.map { chosen in
            let format = context.stages.first { $0.stage == chosen.stage }?.format ?? .png
            return ReferenceImage(bytes: try work.read(chosen.file), mime: format.mime)
        }
    }
}
