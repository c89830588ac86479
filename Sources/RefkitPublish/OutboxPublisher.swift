import RefkitCore
import RefkitImaging

/// Writes kit folders into one outbox (DESIGN.md "Outbox layout"): stage files, `sheet.png`,
/// `index.html`, and `manifest.json` last, each replaced atomically.
///
/// Callers serialise publishes of one kit; different kits may publish concurrently.
public struct OutboxPublisher: Sendable {
    public let outbox: String
    /// Contact sheet geometry: cells per row and the side of each cell in pixels.
    public let sheetColumns: Int
    public let sheetCell: Int

    public init(outbox: String, sheetColumns: Int = 4, sheetCell: Int = 256) {
        self.outbox = outbox.count > 1 && outbox.hasSuffix("/") ? String(outbox.dropLast()) : outbox
        self.sheetColumns = sheetColumns
        self.sheetCell = sheetCell
    }

    /// Writes `OUTBOX/<folder>/` and returns its path.
    ///
    /// Files whose published bytes already have the same SHA-256 are left alone, so republishing
    /// an unchanged kit writes only the manifest. Before the manifest is written, every file it
    /// lists must exist with the listed SHA-256 (a nil `sha256` is filled in from the bytes).
    /// Errors: `outbox_unsafe_name`, `outbox_duplicate_file`, `outbox_missing_file`,
    /// `outbox_checksum_mismatch`, `outbox_sheet_failed`, `disk_full`, `outbox_unwritable`.
    public func publish(folder: String, files: [KitFile], manifest: ManifestDocument) throws(RefkitError) -> String {
        try KitPath.validateFolder(folder)
        var supplied: [String: KitFile] = [:]
        for file in files {
            try KitPath.validateCallerPath(file.relativePath)
            guard supplied.updateValue(file, forKey: file.relativePath) == nil else {
                throw RefkitError("outbox_duplicate_file", "the same kit file was given twice", detail: file.relativePath)
            }
        }
        for path in manifest.listedFiles { try KitPath.validateCallerPath(path) }

        let kit = KitFolder(root: try OutboxDirectory.root(outbox).child(folder))
        for file in files { try kit.place(file.contents, at: file.relativePath) }

        let hasSheet = try writeSheet(of: manifest, into: kit)
        let resolved = try kit.verified(manifest)
        try kit.place(Array(KitGallery.html(for: resolved, hasSheet: hasSheet).utf8), at: KitPath.galleryName)
        // Every file the manifest lists is durable before it is written...
        try kit.syncWritten()
        // ...and last: the kit is complete when this appears or changes.
        try kit.place(Array(resolved.jsonValue.prettySerialized.utf8), at: KitPath.manifestName)
        try kit.syncWritten()
        var keep = Set(resolved.listedFiles).union([KitPath.manifestName, KitPath.galleryName])
        if hasSheet { keep.insert(KitPath.sheetName) }
        _ = Self.sweepUnlisted(kitFolder: "\(outbox)/\(folder)", keep: keep)
        return "\(outbox)/\(folder)"
    }

    /// The labelled contact sheet of every done stage, when there is one.
    private func writeSheet(of manifest: ManifestDocument, into kit: KitFolder) throws(RefkitError) -> Bool {
        var items: [(bytes: [UInt8], label: String)] = []
        for image in manifest.stages where image.status == .done {
            guard let file = image.file else { continue }
            items.append((try kit.bytes(of: file), image.label))
        }
        guard !items.isEmpty else { return false }
        let sheet: EncodedImage
        do {
            sheet = try ImageOps.contactSheet(items, columns: sheetColumns, cell: sheetCell)
        } catch {
            throw RefkitError("outbox_sheet_failed", "the contact sheet could not be made", detail: error.description)
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
