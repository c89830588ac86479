import Foundation
import RefkitCore
import RefkitStore

extension StageQA {
    /// The kit's other made images (and its source), and the identity reference, as QA reads them.
    func kitImages(_ context: StageContext, stage: Stage, excluding stageID: Int64) throws -> StageQA.KitImages {
        let work = self.work
        var others: [StageQA.KitImages.Image] = context.stages.compactMap { record in
            guard record.id != stageID, record.status == .done, let file = record.file else { return nil }
            return .init(name: record.stage.name, file: file, mime: (record.format ?? .png).mime, bytes: { try work.read(file) })
        }
        var sourceImage: StageQA.KitImages.Image?
        if let source = context.source {
            let (kitID, maxSide) = (context.kit.id, sourceLongSide)
            let image = StageQA.KitImages.Image(
                name: "source", file: "work/\(kitID)/source.jpg", mime: "image/jpeg",
                bytes: { try work.normalisedSource(kitID: kitID, originalPath: source.storedPath, maxLongSide: maxSide) })
            others.append(image)
            sourceImage = image
        }
        // The avatar and its candidates are held to the source; every other view to the locked avatar.
        if stage == .avatar || stage.isCandidate {
            return StageQA.KitImages(others: others, reference: sourceImage)
        }
        let locked = context.kit.lockedReference.map { file in
            StageQA.KitImages.Image(
                name: Stage.avatar.name, file: file,
                mime: ImageFormat(fileExtension: (file as NSString).pathExtension)?.mime ?? "image/png",
                bytes: { try work.read(file) })
        }
        return StageQA.KitImages(others: others, reference: locked ?? sourceImage)
    }
}
