import RefkitCore
import RefkitQA

/// A file seen in an inbox, identified by where it is and what it is right now.
public struct FileIdentity: Sendable, Hashable {
    public var watch: String
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mtimeNanos: Int64

    public init(watch: String, path: String, device: UInt64, inode: UInt64, size: Int64, mtimeNanos: Int64) {
        self.watch = watch
        self.path = path
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNanos = mtimeNanos
    }
}

/// The state of a claim on an inbox file.
public enum ClaimState: String, Sendable {
    case claimed, accepted, duplicate, rejected
}

/// What claiming a file found.
public enum ClaimOutcome: Sendable, Equatable {
    /// The file is ours to take in.
    case claimed(id: Int64)
    /// Someone already handled (or is handling) this very file.
    case alreadyClaimed(id: Int64, state: ClaimState)
}

/// A source about to be recorded.
public struct NewSource: Sendable {
    public var sha256: String
    /// Stored as its MIME type (`image/jpeg`).
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var bytes: Int64
    public var storedPath: String
    public var originalName: String

    public init(
        sha256: String, format: ImageFormat, width: Int, height: Int, bytes: Int64, storedPath: String, originalName: String
    ) {
        self.sha256 = sha256
        self.format = format
        self.width = width
        self.height = height
        self.bytes = bytes
        self.storedPath = storedPath
        self.originalName = originalName
    }
}

/// An order about to be recorded with its kit.
public struct NewOrder: Sendable {
    public enum Origin: String, Sendable { case sidecar, `default`, standalone, cli }
    public var origin: Origin
    public var json: String
    public var fileName: String?

    public init(origin: Origin, json: String, fileName: String?) {
        self.origin = origin
        self.json = json
        self.fileName = fileName
    }
}

/// What recording an accepted drop did.
public enum AcceptOutcome: Sendable, Equatable {
    case newKit(kitID: String, slug: String)
    /// The same source (sha256) and kit were seen before: nothing new to make.
    case duplicate(kitID: String, sourceID: Int64)
    /// The same source came with an order that asks for more: those stages were added to the kit.
    case extended(kitID: String, added: [Stage])
}

/// An accepted source image, stored once per sha256.
public struct SourceRecord: Sendable, Equatable {
    public var id: Int64
    public var sha256: String
    /// Stored as its MIME type (`image/jpeg`).
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var bytes: Int64
    public var storedPath: String
    public var originalName: String
    public var createdAt: String
}

public struct KitRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var slug: String
    public var watch: String
    public var status: KitStatus
    public var sourceID: Int64?
    public var priority: Int
    public var textOnly: Bool
    public var outboxDir: String?
    public var lockedReference: String?
    public var lockedHow: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var createdAt: String
    public var updatedAt: String
    /// The analyzer's description of the source, as JSON, once it ran.
    public var analysis: String?
    /// How many times the locked reference was set (0: not yet); see `StageRecord.referenceGeneration`.
    public var referenceGeneration: Int = 0
    /// The kit's content rating once known (`ContentRating.of`); nil before, or when nothing says.
    public var contentRating: ContentRating?
}

public struct StageRecord: Sendable, Equatable {
    public var id: Int64
    public var kitID: String
    public var stage: Stage
    public var dependsOn: StageDependency?
    public var status: StageStatus
    public var provider: String?
    public var model: String?
    public var prompt: String?
    public var seed: Int64?
    public var attempts: Int
    public var file: String?
    public var sha256: String?
    /// The format of the image the stage made, stored as its MIME type; nil before it made one.
    public var format: ImageFormat?
    public var width: Int?
    public var height: Int?
    public var costUSD: Double
    public var durationMs: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var updatedAt: String
    /// How many times the stage was made again (`regenerate`).
    public var generation: Int = 0
    /// The stage's own input image (a face swap's target), relative to the state directory.
    public var input: String?
    /// The generation of the kit's locked reference this stage was made from; nil when it was
    /// not made from the locked reference (the avatar, candidates, text-only characters).
    public var referenceGeneration: Int?
    /// What QA found in the stage's image; nil when it was not checked.
    public var qa: QAStageRecord?
    /// The provider inputs its last call was sent with, as JSON (issue 17 item 4); nil: none.
    public var inputs: String?
    /// The negative prompt its last call sent; nil: none, or its provider takes none.
    public var negativePrompt: String? = nil
}

/// An earlier result of a stage, replaced by `regenerate` (or an earlier failure, by `retry`).
public struct StageHistoryRecord: Sendable, Equatable {
    public var stage: Stage
    public var generation: Int
    public var status: StageStatus
    public var file: String?
    public var sha256: String?
    public var format: ImageFormat?
    public var provider: String?
    public var model: String?
    public var seed: Int64?
    public var attempts: Int
    public var costUSD: Double
    public var durationMs: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var endedAt: String
    public var replacedAt: String
}

/// One line of the append-only event log.
public struct EventRecord: Sendable, Equatable {
    public var id: Int64
    public var at: String
    public var kitID: String?
    public var watch: String?
    public var subject: String?
    public var type: String
    public var code: String?
    public var message: String?

    public init(
        id: Int64, at: String, kitID: String?, watch: String?, subject: String?, type: String, code: String?, message: String?
    ) {
        self.id = id
        self.at = at
        self.kitID = kitID
        self.watch = watch
        self.subject = subject
        self.type = type
        self.code = code
        self.message = message
    }
}

/// Counts for `refkit status`.
public struct StatusSummary: Sendable, Equatable {
    public var kitsByStatus: [String: Int]
    public var stagesByStatus: [String: Int]
    public var claimsByState: [String: Int]
    public var sources: Int
    public var rejectedToday: Int
    public var spendTodayUSD: Double
}
