import RefkitCore
import RefkitImaging

extension ManifestDocument {
    /// What the kit's contact sheet shows, with each picture's bytes from `bytes` (a kit-relative
    /// path in, its contents out): the source, every stage (a placeholder saying why where there is
    /// no picture) and, only while the kit waits for a choice, the avatar candidates (afterwards the
    /// chosen one is the avatar and the others are history). Nil when no picture is done yet.
    func sheetContent(bytes: (String) throws(RefkitError) -> [UInt8]) throws(RefkitError) -> StudioSheetContent? {
        var shown: [(image: ManifestImage, stage: Stage)] = stages.compactMap { image in Stage(name: image.stage).map { (image, $0) } }
        if status == .awaitingSelection {
            shown += candidates.enumerated().map { ($0.element, .candidate($0.offset + 1)) }  // listed in their order
        }
        var references: [StudioSheetContent.Reference] = []
        for (image, stage) in shown {
            if image.status == .done, let file = image.file {
                references.append(.init(stage: stage, image: try bytes(file), verdict: image.qa?.verdict))
            } else {
                references.append(.init(stage: stage, image: nil, note: image.placeholderNote))
            }
        }
        guard references.contains(where: { $0.image != nil }) else { return nil }
        let source = try self.source.map { source throws(RefkitError) in try bytes(source.file) }
        return StudioSheetContent(title: kit, details: sheetDetails, source: source, references: references)
    }

    /// The line under the sheet's title: the day of this version, the status, how many references
    /// are done, and who made them (`2026-11-23 · partial · 5 of 6 references · openai gpt-image-1`).
    var sheetDetails: String {
        let done = stages.filter { $0.status == .done }
        var makers: [String] = []
        for image in done + candidates where image.status == .done {
            let maker = [image.provider, image.model].compactMap { $0 }.joined(separator: " ")
            if !maker.isEmpty, !makers.contains(maker) { makers.append(maker) }
        }
        let status = self.status == .awaitingSelection ? "awaiting selection" : self.status.rawValue
        let parts = [String(updatedAt.prefix(10)), status, "\(done.count) of \(stages.count) references"] + makers
        return parts.joined(separator: " · ")
    }
}

extension ManifestImage {
    /// What an empty slot on the sheet says: the error code of a failed stage, else its status.
    var placeholderNote: String {
        if status == .failed, let error { return "failed: \(error.code)" }
        return status.rawValue
    }
}
