import Foundation
import RefkitCore
import RefkitStore

/// What a kit's outbox folder holds now, read from its `manifest.json`: the publisher writes the
/// manifest last, so it names exactly the files there and their sha256. The pages link images
/// from it, so a kit being made again keeps showing what its folder has until the new publish.
public struct PublishedKit: Sendable, Equatable {
    /// One published image.
    public struct File: Sendable, Equatable {
        /// Relative to the kit's folder (`expressions/smile.png`).
        public var path: String
        public var sha256: String?
    }

    /// Each published stage's image, by stage name (candidates included).
    public var images: [String: File]
    /// The normalised source (`source.jpg`), when the kit has one.
    public var source: String?
    /// One of a character's further sources, with the name it was dropped under.
    public struct Source: Sendable, Equatable {
        public var file: File
        public var originalName: String
    }

    /// A character's further sources (`sources/2.jpg`, …), in their order.
    public var furtherSources: [Source] = []

    /// Reads the manifest's `stages`, `candidates` and `source`; entries without a file are left out.
    public init(manifest: JSONValue) {
        var images: [String: File] = [:]
        for key in ["stages", "candidates"] {
            guard case .array(let items)? = manifest[key] else { continue }
            for item in items {
                guard case .string(let stage)? = item["stage"], case .string(let path)? = item["file"] else { continue }
                if case .string(let sha)? = item["sha256"] {
                    images[stage] = File(path: path, sha256: sha)
                } else {
                    images[stage] = File(path: path, sha256: nil)
                }
            }
        }
        self.images = images
        if case .string(let file)? = manifest["source"]?["file"] { source = file } else { source = nil }
        // The manifest's `sources` lists the primary (`source.jpg`) first, then the others.
        if case .array(let items)? = manifest["sources"] {
            for item in items.dropFirst() {
                guard case .string(let path)? = item["file"] else { continue }
                var sha: String?
                if case .string(let value)? = item["file_sha256"] { sha = value }
                var name = path
                if case .string(let value)? = item["original_name"] { name = value }
                furtherSources.append(Source(file: File(path: path, sha256: sha), originalName: name))
            }
        }
    }

    /// The manifest of the kit's outbox folder; nil before the kit was published, or when the
    /// folder or its manifest is gone or unreadable (the page then shows no images, not an error).
    public static func load(_ kit: KitRecord) -> PublishedKit? {
        guard let dir = kit.outboxDir, let data = FileManager.default.contents(atPath: dir + "/manifest.json"),
            let manifest = try? JSONValue.parse([UInt8](data))
        else { return nil }
        return PublishedKit(manifest: manifest)
    }

    /// The URL of `stage`'s published image, with its sha256 as `?v=`; nil when the folder has none.
    public func imageURL(_ kit: KitRecord, _ stage: Stage) -> String? {
        images[stage.name].flatMap { WebLinks.file(kit, $0.path, version: $0.sha256) }
    }
}
