import Foundation
import RefkitConfig
import RefkitCore
import RefkitStore
import RefkitWatch

// Issue 17 item 1: several sources of one character, taken in as one kit.
extension IntakeService {
    /// An order's `sources` or a `NAME.kit` folder's images (the first the primary) with their
    /// order: one kit, as any drop (`acceptDrop`). A folder is removed once it is empty.
    func acceptSources(images: [ClaimedImage], order: ClaimedOrder?, kitName: String?, folder: String?, watch: Configuration.Watch) {
        guard let primary = images.first else { return }
        acceptDrop(image: primary, order: order, watch: watch, extraImages: Array(images.dropFirst()), kitName: kitName)
        // rmdir fails on a folder that is not empty (a file in it was not taken): it stays.
        if let folder, rmdir(folder) == 0 {
            FileSystem.fsyncPath((folder as NSString).deletingLastPathComponent, directory: true)
        }
    }

    /// Stores the originals of further sources and describes them for the store.
    func storeSources(_ images: [ClaimedImage]) throws(RefkitError) -> [NewSource] {
        var stored: [NewSource] = []
        for image in images {
            let facts = image.facts
            let path = try originals.store(image.bytes, sha256: facts.sha256, ext: facts.format.fileExtension)
            stored.append(
                NewSource(
                    sha256: facts.sha256, format: facts.format, width: facts.width, height: facts.height, bytes: facts.bytes,
                    storedPath: path, originalName: image.entry.fileName))
        }
        return stored
    }

    /// Whether `folder` holds a file the watch will still hand in, other than `known`: a
    /// `NAME.kit` folder still being written, or (`ordersOnly`) an order not yet judged that may
    /// name waiting images in its `sources`. Names the watch ignores never count.
    nonisolated static func holdsUnsettled(
        folder: String, known: Set<String>, watch: Configuration.Watch?, ordersOnly: Bool = false
    ) -> Bool {
        let filter = InboxNameFilter(globs: watch?.ignore ?? [])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        // Only files directly in it are its sources: a folder inside is not waited for.
        return names.contains { name in
            guard !known.contains(name), !filter.isIgnored(name), !ordersOnly || name.lowercased().hasSuffix(".json") else { return false }
            return FileSystem.lstatEntry("\(folder)/\(name)").map { $0.st_mode & S_IFMT != S_IFDIR } ?? false
        }
    }
}
