import RefkitCore

/// One image of a kit as the manifest lists it: a stage's reference or an avatar candidate.
public struct ManifestImage: Sendable, Equatable {
    /// Why a stage failed, as users read it in the manifest and the gallery.
    public struct Failure: Sendable, Equatable {
        /// The stable error code (`safety_block`, `budget_exceeded`, …).
        public var code: String
        /// One line for people.
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The stage's stable name (`side`, `expression:smile`).
    public var stage: String
    public var status: StageStatus
    /// Path relative to the kit folder (`expressions/smile.png`); nil until the image exists.
    public var file: String?
    /// Lowercase hex SHA-256 of `file`; filled in from the published bytes when nil.
    public var sha256: String?
    public var mime: String?
    public var width: Int?
    public var height: Int?
    public var provider: String?
    public var model: String?
    public var prompt: String?
    /// The negative prompt its call sent; nil when none, its provider takes none, or not generated.
    public var negativePrompt: String?
    public var seed: Int64?
    public var attempts: Int
    public var durationMs: Int
    public var costUSD: Double
    public var error: Failure?
    /// After `regenerate`: the result it replaced, kept beside it as `NAME.prev.EXT`.
    public var previous: Previous?
    /// Earlier results of this stage, oldest first (regenerated or retried).
    public var history: [HistoryEntry] = []
    /// The generation of the locked reference this image was made from (nil: not made from it).
    public var referenceGeneration: Int?
    /// Issue 17, item 2: for an image made from an order's `images`, what it was asked for.
    public var imageRequest: ManifestImageRequest?
    /// Made from an earlier locked reference than the kit's current one (chosen again since).
    public var madeFromEarlierReference = false
    /// What QA found in the image; nil when it was not checked.
    public var qa: QANote?
    /// The provider inputs the image was made with (issue 17 item 4): the provider's
    /// `[providers.NAME] inputs` with the order's `provider_inputs` over them; nil: none.
    public var inputs: JSONValue?

    /// The file a regenerated stage replaced.
    public struct Previous: Sendable, Equatable {
        public var file: String
        public var sha256: String?

        public init(file: String, sha256: String?) {
            self.file = file
            self.sha256 = sha256
        }
    }

    /// One earlier result of the stage.
    public struct HistoryEntry: Sendable, Equatable {
        public var generation: Int
        public var status: StageStatus
        public var sha256: String?
        public var provider: String?
        public var model: String?
        public var seed: Int64?
        public var attempts: Int
        public var costUSD: Double
        public var error: Failure?
        public var endedAt: String
        public var replacedAt: String

        public init(
            generation: Int, status: StageStatus, sha256: String?, provider: String?, model: String?, seed: Int64?, attempts: Int,
            costUSD: Double,
            error: Failure?, endedAt: String, replacedAt: String
        ) {
            self.generation = generation
            self.status = status
            self.sha256 = sha256
            self.provider = provider
            self.model = model
            self.seed = seed
            self.attempts = attempts
            self.costUSD = costUSD
            self.error = error
            self.endedAt = endedAt
            self.replacedAt = replacedAt
        }
    }

    public init(
        stage: String, status: StageStatus, file: String? = nil, sha256: String? = nil, mime: String? = nil,
        width: Int? = nil, height: Int? = nil, provider: String? = nil, model: String? = nil, prompt: String? = nil,
        seed: Int64? = nil, attempts: Int = 0, durationMs: Int = 0, costUSD: Double = 0, error: Failure? = nil
    ) {
        self.stage = stage
        self.status = status
        self.file = file
        self.sha256 = sha256
        self.mime = mime
        self.width = width
        self.height = height
        self.provider = provider
        self.model = model
        self.prompt = prompt
        self.seed = seed
        self.attempts = attempts
        self.durationMs = durationMs
        self.costUSD = costUSD
        self.error = error
    }

    /// The label people read on the contact sheet and in the gallery ("SIDE VIEW").
    public var label: String { Stage(name: stage)?.label ?? stage }
}
