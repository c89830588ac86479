/// A kit as its manifest reports it: the read model the pipeline fills from the store (and the
/// files it publishes) and RefkitPublish assembles `manifest.json` from, so the manifest's rules
/// live in Publish without Publish seeing store records.
public struct KitReport: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: String
    /// How many times the kit's avatar was locked (0 before the first time).
    public var referenceGeneration: Int
    /// How the locked avatar was chosen, when a command or the analyzer chose it.
    public var lockedHow: String?
    /// Every stage in the order it was planned, avatar candidates among them.
    public var stages: [StageEntry]
    /// Results replaced by `regenerate` or `retry`, oldest first.
    public var history: [EarlierResult]
    /// The manifest's top-level `qa` summary (refkit's QAKitSummary); nil when no reference was checked.
    public var qa: JSONValue?

    public init(
        id: String, name: String, createdAt: String, referenceGeneration: Int, lockedHow: String?, stages: [StageEntry],
        history: [EarlierResult]
    ) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.referenceGeneration = referenceGeneration
        self.lockedHow = lockedHow
        self.stages = stages
        self.history = history
    }

    /// One stage as it stands, with the files published for it.
    public struct StageEntry: Sendable, Equatable {
        public var stage: Stage
        public var status: StageStatus
        /// The published file, relative to the kit folder (a done stage whose work file was read).
        public var file: String?
        public var sha256: String?
        public var mime: String?
        public var width: Int?
        public var height: Int?
        public var provider: String?
        public var model: String?
        public var prompt: String?
        public var seed: Int64?
        public var attempts: Int
        public var durationMs: Int
        public var costUSD: Double
        public var errorCode: String?
        public var errorMessage: String?
        /// The locked reference generation the stage was made from, when it was made from one.
        public var referenceGeneration: Int?
        public var madeFromEarlierReference = false
        /// The result a regenerated stage replaced, published beside it (`NAME.prev.EXT`).
        public var previousFile: String?
        public var previousSHA256: String?
        /// What QA found in the image; nil when it was not checked.
        public var qa: QANote?
        /// The provider inputs the stage's call was sent with (issue 17 item 4); nil: none.
        public var inputs: JSONValue?
        /// The negative prompt the stage's call sent; nil: none, or its provider takes none.
        public var negativePrompt: String?

        public init(stage: Stage, status: StageStatus, attempts: Int = 0, durationMs: Int = 0, costUSD: Double = 0) {
            self.stage = stage
            self.status = status
            self.attempts = attempts
            self.durationMs = durationMs
            self.costUSD = costUSD
        }
    }

    /// A result a stage had before it was made again.
    public struct EarlierResult: Sendable, Equatable {
        public var stage: Stage
        public var generation: Int
        public var status: StageStatus
        public var sha256: String?
        public var provider: String?
        public var model: String?
        public var seed: Int64?
        public var attempts: Int
        public var costUSD: Double
        public var errorCode: String?
        public var endedAt: String
        public var replacedAt: String

        public init(
            stage: Stage, generation: Int, status: StageStatus, attempts: Int, costUSD: Double, endedAt: String, replacedAt: String
        ) {
            self.stage = stage
            self.generation = generation
            self.status = status
            self.attempts = attempts
            self.costUSD = costUSD
            self.endedAt = endedAt
            self.replacedAt = replacedAt
        }
    }
}
