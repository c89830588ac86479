import RefkitCore
import RefkitHTTP
import Synchronization

/// An image given to a provider.
public struct ReferenceImage: Sendable {
    public var bytes: [UInt8]
    public var mime: String

    public init(bytes: [UInt8], mime: String) {
        self.bytes = bytes
        self.mime = mime
    }
}

/// Everything a provider needs to make one stage's image.
public struct GenerationRequest: Sendable {
    public var kitID: String
    public var stage: Stage
    public var prompt: String
    /// The normalised source (`source.jpg`); nil for text-only plans.
    public var source: ReferenceImage?
    /// The kit's locked reference (the chosen avatar), for every stage after it.
    public var lockedReference: ReferenceImage?
    /// Further references (e.g. a text-only plan's first character for its scenes).
    public var references: [ReferenceImage]
    public var width: Int
    public var height: Int
    public var seed: UInt64
    public var model: String?
    /// For text-only stages: a title and body the offline provider can draw.
    public var title: String
    public var body: String
    /// What the image should not show (an order's or watch's `negative_prompt`, issue 17 item 3),
    /// sent where the provider takes one (see each provider).
    public var negativePrompt: String?

    // Issue 17 item 4 (provider inputs).
    /// Fixed extra inputs for this request's provider: its `[providers.NAME] inputs` with the
    /// order's `provider_inputs.NAME` over them (`ProviderInputs.merged`). fal and Replicate add
    /// them to the app's input JSON, ComfyUI writes them into the workflow's nodes; the others
    /// never get any (refused at start-up and intake).
    public var inputs: JSONValue?

    public init(
        kitID: String, stage: Stage, prompt: String, source: ReferenceImage?, lockedReference: ReferenceImage?,
        references: [ReferenceImage] = [],
        width: Int, height: Int, seed: UInt64, model: String? = nil, title: String = "", body: String = ""
    ) {
        self.kitID = kitID
        self.stage = stage
        self.prompt = prompt
        self.source = source
        self.lockedReference = lockedReference
        self.references = references
        self.width = width
        self.height = height
        self.seed = seed
        self.model = model
        self.title = title
        self.body = body
    }

    /// The seed as a non-negative 32-bit integer, for APIs whose seed is an `int32` (Gemini,
    /// fal, Replicate): the same stage seed always gives the same wire seed.
    public var seed31: Int { Int(seed & 0x7FFF_FFFF) }
}

/// A provider's answer.
public struct GeneratedImage: Sendable {
    public var bytes: [UInt8]
    public var mime: String
    public var width: Int
    public var height: Int
    public var model: String
    public var costUSD: Double
    /// Already fully (strictly) decoded by the client, so the daemon does not decode it again.
    public var decodeVerified = false

    public init(bytes: [UInt8], mime: String, width: Int, height: Int, model: String, costUSD: Double) {
        self.bytes = bytes
        self.mime = mime
        self.width = width
        self.height = height
        self.model = model
        self.costUSD = costUSD
    }
}

/// What every image provider implements: one stage's image from a prompt and references.
public protocol ImageProvider: Sendable {
    /// The configured name (`preview`, `gemini`, …).
    var name: String { get }
    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage
    /// True when one image is one HTTP exchange that passes through `ProviderHTTP.send`: the
    /// provider's `concurrency` then gates only that exchange (`RequestGating`), so building the
    /// request body and decoding the answer happen outside the provider's slots. Job-based
    /// providers (queues, polling) keep a slot for the whole job.
    var gatesItsOwnRequest: Bool { get }
    /// How many input images one request may carry (issue 17 item 1): `max_input_images`, else
    /// the provider's default from what its API takes. Applied by the scheduler.
    var inputImageCap: InputImageCap { get }
    /// The negative prompt this provider sends for `request`, for the record (the manifest, the
    /// store): nil when the request has none or the provider does not send one (see
    /// `GenerationRequest+Negative`).
    func negativePromptSent(for request: GenerationRequest) -> String?
}

extension ImageProvider {
    public var gatesItsOwnRequest: Bool { false }
    public var inputImageCap: InputImageCap { .unlimited }
    /// A provider that does not say how it takes a negative prompt is not said to have sent one.
    public func negativePromptSent(for request: GenerationRequest) -> String? { nil }
}

/// The gate the current task's provider requests pass through, if any (set by the scheduler):
/// `ProviderHTTP.send` hands it to the HTTP client, whose driver starts the request only when
/// the provider has a free place (see `TransferGate`).
public enum RequestGating {
    @TaskLocal public static var gate: TransferGate?
    /// Collects how long the current task's provider exchanges ran (set by the scheduler, so
    /// its request-duration metric leaves out the wait for a place).
    @TaskLocal public static var timer: ExchangeTimer?
}

/// A sum of exchange durations, added to by `ProviderHTTP.send`.
public final class ExchangeTimer: Sendable {
    private let state = Mutex((total: Duration.zero, exchanges: 0))

    public init() {}

    func add(_ duration: Duration) {
        state.withLock {
            $0.total += duration
            $0.exchanges += 1
        }
    }

    /// The summed duration, or nil when no exchange completed (a transport failure).
    public var total: Duration? { state.withLock { $0.exchanges > 0 ? $0.total : nil } }
}
