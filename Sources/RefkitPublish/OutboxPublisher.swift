import RefkitCore
import RefkitImaging

/// Writes kit folders into one outbox (DESIGN.md "Outbox layout"): stage files, `sheet.png`,
/// `index.html`, and `manifest.json` last, each replaced atomically.
///
/// Callers serialise publishes of one kit; different kits may publish concurrently.
public struct OutboxPublisher: Sendable {
    public let outbox: String
    /// The contact sheet's width in pixels (never under `StudioSheetLayout.minimumWidth`).
    public let sheetWidth: Int

    public init(outbox: String, sheetWidth: Int = StudioSheetLayout.minimumWidth) {
        self.outbox = outbox.count > 1 && outbox.hasSuffix("/") ? String(outbox.dropLast()) : outbox
        self.sheetWidth = sheetWidth
    }

    /// Writes `OUTBOX/<folder>/` and returns its path.
    ///
    /// The new version is staged in `OUTBOX/.refkit-tmp-kit-*` and switched in atomically (README
    /// "Outbox"); files whose published bytes already have the same SHA-256 are hard links to the
    /// published ones, so republishing an unchanged kit writes only the manifest and the gallery.
    /// Before the manifest is written, every file it lists must exist with the listed SHA-256 (a
    /// nil `sha256` is filled in from the bytes).
    /// Errors: `outbox_unsafe_name`, `outbox_duplicate_file`, `outbox_missing_file`,
    /// `outbox_checksum_mismatch`, `outbox_sheet_failed`, `disk_full`, `outbox_unwritable`.
    public func publish(folder: String, files: [KitFile], manifest: ManifestDocument) throws(RefkitError) -> String {
        try KitPath.validateFolder(folder)
        var supplied: [String: KitFile] = [:]
        for file in files {
            try KitPath.validateCallerPath(file.relativePath)
            guard supplied.updateValue(file, forKey: file.relativePath) == nil else {
                throw RefkitError(.outboxDuplicateFile, "the same kit file was given twice", detail: file.relativePath)
            }
        }
        for path in manifest.listedFiles { try KitPath.validateCallerPath(path) }

        // The new version is staged in a hidden folder beside the published one (unchanged files
        // hard-linked, not copied) and switched in whole: a reader of OUTBOX/KIT finds the old
        // manifest with the old files or the new with the new, at every instant, also across a crash.
        let root = try OutboxDirectory.root(outbox)
        let published = try root.existingChild(folder)
        let staged = KitPath.temporaryPrefix + "kit-" + String(UInt64.random(in: .min ... .max), radix: 36)
        let kit = KitFolder(root: try root.child(staged), previous: published)
        do throws(RefkitError) {
            for file in files { try kit.place(file.contents, at: file.relativePath) }
            let hasSheet = try writeSheet(of: manifest, into: kit)
            let resolved = try kit.verified(manifest)
            try kit.place(Array(KitGallery.html(for: resolved, hasSheet: hasSheet).utf8), at: KitPath.galleryName)
            try kit.place(Array(resolved.jsonValue.prettySerialized.utf8), at: KitPath.manifestName)
            // Every file of the staged version is durable before it becomes the kit folder.
            try kit.syncWritten()
            try root.switchIn(staged, as: folder, replacing: published != nil)
        } catch {
            root.removeTree(staged)
            throw error
        }
        root.removeRetired()
        return "\(outbox)/\(folder)"
    }

    /// The studio contact sheet (`ManifestDocument.sheetContent`): the source beside the turnaround,
    /// then the other rows, each picture labelled and marked with its QA verdict. None until a picture is done.
    private func writeSheet(of manifest: ManifestDocument, into kit: KitFolder) throws(RefkitError) -> Bool {
        guard let content = try manifest.sheetContent(bytes: { (path) throws(RefkitError) in try kit.bytes(of: path) }) else {
            return false
        }
        let sheet: EncodedImage
        do {
            sheet = try ImageOps.studioSheet(content, width: sheetWidth)
        } catch {
            throw RefkitError(.outboxSheetFailed, "the contact sheet could not be made", detail: error.description)
        }
        try kit.place(sheet.data, at: KitPath.sheetName)
        return true
    }
}

extension ManifestDocument {
    /// Every kit-relative file the manifest names.
    var listedFiles: [String] {
        var paths: [String] = []
        if let source { paths.append(source.file) }
        if let lockedReference { paths.append(lockedReference.file) }
        paths += (stages + candidates).compactMap(\.file)
        paths += stages.compactMap(\.previous?.file)
        return paths
    }
}
