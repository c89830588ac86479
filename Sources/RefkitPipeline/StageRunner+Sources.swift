import RefkitCore
import RefkitProviders
import RefkitStore

// Issue 17 item 1: a character's further sources as a stage's request carries them.
extension StageRunner {
    /// The kit's further sources, normalised (made once per kit, as `source.jpg` is), in order.
    func extraSourceImages(kitID: String, context: StageContext) throws -> [ReferenceImage] {
        try context.extraSources.enumerated().map { index, record throws(RefkitError) in
            let bytes = try work.normalisedSource(
                kitID: kitID, position: index + 2, originalPath: record.storedPath,
                maxLongSide: configuration.outputs.sourceLongSide)
            return ReferenceImage(bytes: bytes, mime: "image/jpeg")
        }
    }
}
