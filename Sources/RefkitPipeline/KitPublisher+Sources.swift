import RefkitCore
import RefkitDigest
import RefkitPublish
import RefkitStore

// Issue 17 item 1: every source of a kit in its outbox and manifest.
extension KitPublisher {
    /// The kit's sources as the manifest lists them, primary first, and the files to publish
    /// for the further ones (`sources/2.jpg`, …; the primary is `source.jpg`, published as ever).
    func publishedSources(kit: KitRecord) throws -> (entries: [ManifestSourceFile], files: [KitFile]) {
        var entries: [ManifestSourceFile] = []
        var files: [KitFile] = []
        for (index, record) in try database.kitSources(kitID: kit.id).enumerated() {
            let position = index + 1
            let bytes = try work.normalisedSource(
                kitID: kit.id, position: position, originalPath: record.storedPath, maxLongSide: configuration.outputs.sourceLongSide)
            let file = ManifestSourceFile.publishedName(position: position)
            if position > 1 { files.append(KitFile(relativePath: file, contents: bytes)) }
            entries.append(
                ManifestSourceFile(
                    file: file, originalName: record.originalName, bytes: record.bytes, sha256: record.sha256,
                    fileSHA256: SHA256Digest.hex(of: bytes)))
        }
        return (entries, files)
    }
}
