import RefkitCore

/// A kit's `manifest.json` (`refkit.manifest/1`): what the kit is, where each stage stands, and
/// every published file with its SHA-256.
public struct ManifestDocument: Sendable, Equatable {
    public static let schema = "refkit.manifest/1"

    /// Kit identifier (stable across renames and republishes).
    public var id: String
    /// Kit name as the order gave it.
    public var kit: String
    public var status: KitStatus
    /// `Timestamp.string` values.
    public var createdAt: String
    public var updatedAt: String
    public var refkitVersion: String
    /// The normalised source image; nil for text-only plans.
    public var source: ManifestSource?
    public var character: ManifestCharacter
    /// The avatar every later stage is conditioned on, once chosen.
    public var lockedReference: LockedReference?
    public var stages: [ManifestImage]
    public var candidates: [ManifestImage]
    public var totals: ManifestTotals
    /// What the kit's later stages are made from: the source and the locked reference, or,
    /// for a kit without a locked avatar, the source alone (said so here).
    public var conditioning: String?
    /// The top-level QA summary (counts per verdict, regenerations, QA spend); nil when nothing was checked.
    public var qa: JSONValue?
    /// The kit's content rating (`ContentRating.of`: the analyzer's, else the order's source); nil when nothing says.
    public var contentRating: ContentRating?
    /// Every image the character was made from, the primary first (issue 17 item 1); empty for
    /// a text-only plan.
    public var sources: [ManifestSourceFile] = []

    /// `totals` defaults to the sum over stages and candidates.
    public init(
        id: String, kit: String, status: KitStatus, createdAt: String, updatedAt: String, refkitVersion: String,
        source: ManifestSource? = nil, character: ManifestCharacter = ManifestCharacter(),
        lockedReference: LockedReference? = nil, stages: [ManifestImage] = [], candidates: [ManifestImage] = [],
        totals: ManifestTotals? = nil
    ) {
        self.id = id
        self.kit = kit
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.refkitVersion = refkitVersion
        self.source = source
        self.character = character
        self.lockedReference = lockedReference
        self.stages = stages
        self.candidates = candidates
        self.totals = totals ?? ManifestTotals(summing: stages + candidates)
    }
}

/// The kit's normalised source image and where it came from.
public struct ManifestSource: Sendable, Equatable {
    /// The file name the user dropped (`mira.jpg`).
    public var originalName: String
    /// The published normalised copy, relative to the kit folder (`source.jpg`).
    public var file: String
    /// SHA-256 of `file`; filled in from the published bytes when nil.
    public var sha256: String?
    public var mime: String
    public var width: Int
    public var height: Int
    /// The order's `source` object (platform, url, id, author, meta), kept as given.
    public var provenance: JSONValue?

    public init(
        originalName: String, file: String = "source.jpg", sha256: String? = nil, mime: String = "image/jpeg",
        width: Int, height: Int, provenance: JSONValue? = nil
    ) {
        self.originalName = originalName
        self.file = file
        self.sha256 = sha256
        self.mime = mime
        self.width = width
        self.height = height
        self.provenance = provenance
    }
}

/// Who the kit depicts: name, description and attributes, each marked given or analyzed.
public struct ManifestCharacter: Sendable, Equatable {
    public var name: String?
    public var description: String?
    /// In order; when a key appears twice the first wins (list given attributes first).
    public var attributes: [ManifestAttribute]

    public init(name: String? = nil, description: String? = nil, attributes: [ManifestAttribute] = []) {
        self.name = name
        self.description = description
        self.attributes = attributes
    }
}

/// One character attribute (`hair_color: red`) and where it came from.
public struct ManifestAttribute: Sendable, Equatable {
    public enum Origin: String, Sendable, CaseIterable {
        /// From the order.
        case given
        /// From the analyzer's description of the source.
        case analyzed
    }

    public var key: String
    public var value: String
    public var origin: Origin

    public init(key: String, value: String, origin: Origin) {
        self.key = key
        self.value = value
        self.origin = origin
    }
}

/// The chosen avatar (`avatar.png`) and how it was chosen (`auto: first candidate`, `selected: candidate 2`).
public struct LockedReference: Sendable, Equatable {
    public var file: String
    public var how: String
    /// 1 for the first avatar locked, one more each time it was chosen again or regenerated.
    public var generation: Int

    public init(file: String, how: String, generation: Int = 1) {
        self.file = file
        self.how = how
        self.generation = generation
    }
}

/// What the kit cost so far.
public struct ManifestTotals: Sendable, Equatable {
    public var costUSD: Double
    public var durationMs: Int

    public init(costUSD: Double, durationMs: Int) {
        self.costUSD = costUSD
        self.durationMs = durationMs
    }

    public init(summing images: [ManifestImage]) {
        self.init(costUSD: images.reduce(0) { $0 + $1.costUSD }, durationMs: images.reduce(0) { $0 + $1.durationMs })
    }
}
