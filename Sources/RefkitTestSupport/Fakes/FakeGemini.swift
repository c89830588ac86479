import FlyingFox
import Foundation
import RefkitCore
import Synchronization

/// Google's Gemini API (`POST /v1beta/models/{model}:generateContent`) on 127.0.0.1 with an
/// OS-chosen port, speaking the real wire protocol: the key in `x-goog-api-key` (or `?key=`),
/// parts with `inline_data`/`inlineData` and `mime_type`/`mimeType`, images answered as
/// camelCase `inlineData` parts, errors as `{"error":{code,message,status,details}}`.
/// Requests are validated as the service does (missing key 403, wrong key 400
/// `API_KEY_INVALID`, unknown model 404, bad JSON or base64 400) before a scripted behaviour
/// is used; with nothing scripted the answer is an image. Every request is recorded.
public final class FakeGemini: Sendable {
    /// What the fake answers to one valid request.
    public indirect enum Behaviour: Sendable {
        /// A 200 with the fake's image, optionally after a text part.
        case image(textBefore: String? = nil)
        /// A 200 whose image part carries these bytes (e.g. bytes that are not an image).
        case imageBytes([UInt8], mime: String = "image/png", textBefore: String? = nil)
        /// A 200 whose image part's data is not base64.
        case invalidBase64
        /// A 200 `STOP` with only text.
        case textOnly(String)
        /// A 200 with a candidate that has no image and this finish reason (`IMAGE_SAFETY`, `NO_IMAGE`, …).
        case finish(reason: String, message: String? = nil)
        /// A 200 with no candidates and `promptFeedback.blockReason`.
        case promptBlocked(reason: String)
        /// A 429 `RESOURCE_EXHAUSTED` with QuotaFailure and RetryInfo details.
        case rateLimited(retryDelay: String = "34s", perDay: Bool = false)
        /// An error status in Google's shape (500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, …).
        case status(Int, message: String = "An internal error has occurred.")
        /// A 400 `API_KEY_INVALID`, whatever key was sent.
        case badKey
        /// A 200 whose body is this text (not JSON, or cut-off JSON).
        case malformed(String)
        /// A 200 with a JSON body of about this many bytes.
        case oversized(bytes: Int)
        /// Any answer.
        case raw(status: Int, headers: [String: String] = [:], body: [UInt8])
        /// The behaviour after a delay (for timeouts).
        case delayed(Duration, Behaviour)
    }

    /// One inline image of a request.
    public struct InlineImage: Sendable, Equatable {
        public var mime: String
        public var bytes: [UInt8]

        public init(mime: String, bytes: [UInt8]) {
            self.mime = mime
            self.bytes = bytes
        }
    }

    /// One request as the fake saw it.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]
        /// The model named in the path.
        public var model: String?
        /// The parsed body, when it was JSON.
        public var json: RefkitCore.JSONValue?
        /// The parts of the first content in order: `.text` or `.image`.
        public var parts: [Part]
        /// Which field spellings the images used (`inline_data`/`inlineData`, `mime_type`/`mimeType`).
        public var spellings: Set<String>
        /// `generationConfig.seed`, when the request carried one.
        public var seed: Int64?

        public enum Part: Sendable, Equatable {
            case text(String)
            case image(InlineImage)
        }

        public var texts: [String] { parts.compactMap { if case .text(let t) = $0 { t } else { nil } } }
        public var images: [InlineImage] { parts.compactMap { if case .image(let i) = $0 { i } else { nil } } }
    }

    public static let defaultModels: Set<String> = [
        "gemini-2.5-flash-image", "gemini-3-pro-image-preview", "gemini-3.1-flash-image-preview",
    ]
    static let aspectRatios: Set<String> = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]
    static let imageSizes: Set<String> = ["1K", "2K", "4K"]

    /// `http://127.0.0.1:PORT`, the provider's `base_url`.
    public let baseURL: String
    /// The key the fake accepts.
    public let apiKey: String
    /// The image successful answers carry.
    public let image: [UInt8]

    private let core: Core
    private let server: FakeImageAPIServer

    struct State {
        var queue: [Behaviour] = []
        var requests: [RecordedRequest] = []
        var models: Set<String>
        var maxRequestBytes: Int
    }

    private init(baseURL: String, apiKey: String, image: [UInt8], core: Core, server: FakeImageAPIServer) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.image = image
        self.core = core
        self.server = server
    }

    /// Starts a fake. `image` defaults to a small synthetic PNG; requests larger than
    /// `maxRequestBytes` get the 400 the service sends for oversized payloads.
    public static func start(
        apiKey: String = "AIzaFakeGeminiKey-0123456789abcdef", image: [UInt8]? = nil, models: Set<String> = defaultModels,
        maxRequestBytes: Int = 100 << 20
    ) async throws -> FakeGemini {
        let image = try image ?? ImageFixtures.png(seed: 42, width: 48, height: 64)
        let core = Core(apiKey: apiKey, image: image, state: State(models: models, maxRequestBytes: maxRequestBytes))
        let server = try await FakeImageAPIServer.start { call in await core.handle(call) }
        return FakeGemini(baseURL: server.baseURL, apiKey: apiKey, image: image, core: core, server: server)
    }

    public func stop() async { await server.stop() }

    /// Queues behaviours for the next valid requests, first in first out.
    public func enqueue(_ behaviours: Behaviour...) {
        core.state.withLock { $0.queue.append(contentsOf: behaviours) }
    }

    /// Every request received, in order.
    public var requests: [RecordedRequest] { core.state.withLock { $0.requests } }
    /// How many requests arrived.
    public var callCount: Int { core.state.withLock { $0.requests.count } }
}
