import Foundation
import RefkitCore
import Synchronization

/// OpenAI's Images API on 127.0.0.1 with an OS-chosen port, speaking the real wire protocol:
/// `POST /v1/images/edits` (multipart, repeated `image[]` parts or a single `image`) and
/// `POST /v1/images/generations` (JSON), `Authorization: Bearer`, answers
/// `{"created","data":[{"b64_json"}],"usage"}`, errors `{"error":{message,type,param,code}}`.
/// Requests are validated as the service does (401 without or with a wrong key, 400
/// `invalid_request_error` without a prompt or image, a bad size or an image over 50 MB or
/// not png/jpeg/webp) before a scripted behaviour is used; with nothing scripted the answer is
/// an image. Every request is recorded.
public final class FakeOpenAI: Sendable {
    /// What the fake answers to one valid request.
    public indirect enum Behaviour: Sendable {
        /// A 200 with the fake's image.
        case image
        /// A 200 whose `b64_json` carries these bytes (e.g. bytes that are not an image).
        case imageBytes([UInt8])
        /// A 200 whose `b64_json` is not base64.
        case invalidBase64
        /// A 400 `moderation_blocked` from the safety system.
        case moderationBlocked(stage: String = "input", categories: [String] = ["sexual"])
        /// A 400 `content_policy_violation` (the older spelling).
        case contentPolicyViolation
        /// A 429 `rate_limit_exceeded` with the rate-limit headers, and `Retry-After` when given.
        case rateLimited(retryAfter: String? = "20", resetRequests: String = "20s")
        /// A 429 `insufficient_quota`.
        case insufficientQuota
        /// An error status with OpenAI's error shape (500 `server_error`, 503, …).
        case status(Int, message: String = "The server had an error while processing your request. Sorry about that!")
        /// A 401 `invalid_api_key`, whatever key was sent.
        case badKey
        /// A 200 whose body is this text.
        case malformed(String)
        /// A 200 with a JSON body of about this many bytes.
        case oversized(bytes: Int)
        /// Any answer.
        case raw(status: Int, headers: [String: String] = [:], body: [UInt8])
        /// The behaviour after a delay (for timeouts).
        case delayed(Duration, Behaviour)
    }

    /// One part of a multipart request.
    public struct FormPart: Sendable, Equatable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var bytes: [UInt8]
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// One request as the fake saw it.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]
        /// The multipart parts in order (edits).
        public var parts: [FormPart]
        /// The JSON body (generations).
        public var json: RefkitCore.JSONValue?

        /// The value of the first text field of that name (multipart or JSON).
        public func field(_ name: String) -> String? {
            if let part = parts.first(where: { $0.name == name && $0.filename == nil }) { return part.text }
            if case .string(let s)? = json?[name] { return s }
            if case .number(let d, _)? = json?[name] { return String(Int(d)) }
            return nil
        }

        /// The image parts (`image[]` or `image`), in order.
        public var images: [FormPart] { parts.filter { $0.name == "image[]" || $0.name == "image" } }
    }

    public static let sizes: Set<String> = ["1024x1024", "1536x1024", "1024x1536", "auto"]
    static let maxImageBytes = 50 << 20

    /// `http://127.0.0.1:PORT/v1`, the provider's `base_url`.
    public let baseURL: String
    public let apiKey: String
    public let image: [UInt8]

    private let core: Core
    private let server: FakeImageAPIServer

    private init(baseURL: String, apiKey: String, image: [UInt8], core: Core, server: FakeImageAPIServer) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.image = image
        self.core = core
        self.server = server
    }

    /// Starts a fake; `image` defaults to a small synthetic PNG.
    public static func start(apiKey: String = "sk-test-FakeOpenAIKey0123456789", image: [UInt8]? = nil) async throws -> FakeOpenAI {
        let image = try image ?? ImageFixtures.png(seed: 43, width: 64, height: 64)
        let core = Core(apiKey: apiKey, image: image)
        let server = try await FakeImageAPIServer.start { call in await core.handle(call) }
        return FakeOpenAI(baseURL: server.baseURL + "/v1", apiKey: apiKey, image: image, core: core, server: server)
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

extension FakeOpenAI {
    struct State {
        var queue: [Behaviour] = []
        var requests: [RecordedRequest] = []
    }

    /// The request handling, shared with the server's closure.
    final class Core: Sendable {
        let apiKey: String
        let image: [UInt8]
        let state = Mutex(State())

        init(apiKey: String, image: [UInt8]) {
            self.apiKey = apiKey
            self.image = image
        }

        func handle(_ call: FakeImageAPIServer.Call) async -> FakeImageAPIServer.Reply {
            var record = RecordedRequest(method: call.method, path: call.path, headers: call.headers, body: call.body, parts: [], json: nil)
            let refusal = validate(call, into: &record)
            let next = state.withLock { state -> Behaviour? in
                state.requests.append(record)
                return refusal != nil || state.queue.isEmpty ? nil : state.queue.removeFirst()
            }
            if let refusal { return refusal }
            return await answer(next ?? .image, size: record.field("size") ?? "1024x1024")
        }

        private func validate(_ call: FakeImageAPIServer.Call, into record: inout RecordedRequest) -> FakeImageAPIServer.Reply? {
            let isEdit = call.path == "/v1/images/edits"
            guard isEdit || call.path == "/v1/images/generations" else {
                return Self.error(404, "Invalid URL (\(call.method) \(call.path))", type: "invalid_request_error")
            }
            guard call.method == "POST" else { return Self.error(405, "Method not allowed", type: "invalid_request_error") }
            guard let auth = call.headers["authorization"], auth.hasPrefix("Bearer ") else {
                return Self.error(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. "
                        + "Authorization: Bearer YOUR_KEY).",
                    type: "invalid_request_error")
            }
            guard auth.dropFirst("Bearer ".count) == apiKey[...] else {
                return Self.badKeyReply(sent: String(auth.dropFirst("Bearer ".count)))
            }

            if isEdit {
                guard let contentType = call.headers["content-type"], contentType.lowercased().hasPrefix("multipart/form-data"),
                    let boundary = Self.boundary(contentType), let parts = Self.parseMultipart(call.body, boundary: boundary)
                else {
                    return Self.error(
                        400, "Invalid Content-Type header (\(call.headers["content-type"] ?? "none")), expected multipart/form-data.",
                        type: "invalid_request_error")
                }
                record.parts = parts
                let images = record.images
                guard !images.isEmpty else {
                    return Self.error(400, "Missing required parameter: 'image'.", param: "image", code: "missing_required_parameter")
                }
                guard images.count <= 16 else {
                    return Self.error(400, "Too many images: at most 16.", param: "image", code: "invalid_value")
                }
                for (i, image) in images.enumerated() {
                    guard image.bytes.count <= FakeOpenAI.maxImageBytes else {
                        return Self.error(
                            400, "Invalid file 'image[\(i)]': file too large, the limit is 50 MB.", param: "image", code: "invalid_value")
                    }
                    guard let mime = Self.sniff(image.bytes) else {
                        return Self.error(
                            400,
                            "Invalid file 'image[\(i)]': unsupported mimetype ('\(image.contentType ?? "application/octet-stream")'). "
                                + "Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.",
                            param: "image", code: "unsupported_file_mimetype")
                    }
                    _ = mime
                }
            } else {
                guard let json = try? RefkitCore.JSONValue.parse(call.body) else {
                    return Self.error(400, "We could not parse the JSON body of your request.", type: "invalid_request_error")
                }
                record.json = json
            }
            guard let prompt = record.field("prompt"), !prompt.isEmpty else {
                return Self.error(400, "Missing required parameter: 'prompt'.", param: "prompt", code: "missing_required_parameter")
            }
            guard prompt.count <= 32_000 else {
                return Self.error(
                    400, "The prompt is too long: at most 32000 characters.", param: "prompt", code: "string_above_max_length")
            }
            if let size = record.field("size"), !FakeOpenAI.sizes.contains(size) {
                return Self.error(
                    400, "Invalid value: '\(size)'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.",
                    param: "size", code: "invalid_value")
            }
            if let n = record.field("n"), !(Int(n).map { (1...10).contains($0) } ?? false) {
                return Self.error(400, "Invalid 'n': must be between 1 and 10.", param: "n", code: "invalid_value")
            }
            return nil
        }

        private func answer(_ behaviour: Behaviour, size: String) async -> FakeImageAPIServer.Reply {
            switch behaviour {
            case .delayed(let delay, let then):
                try? await Task.sleep(for: delay)
                return await answer(then, size: size)
            case .image:
                return Self.success(b64: Data(image).base64EncodedString(), size: size)
            case .imageBytes(let bytes):
                return Self.success(b64: Data(bytes).base64EncodedString(), size: size)
            case .invalidBase64:
                return Self.success(b64: "iVBORw0K%%%not base64###", size: size)
            case .moderationBlocked(let stage, let categories):
                var reply = Self.error(
                    400,
                    "Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and "
                        + "include the request ID req_fake. safety_violations=[\(categories.joined(separator: ", "))].",
                    type: "image_generation_user_error", code: "moderation_blocked",
                    extra: [
                        (
                            "moderation_details",
                            .object([("moderation_stage", .string(stage)), ("categories", .array(categories.map { .string($0) }))])
                        )
                    ])
                reply.headers["x-request-id"] = "req_fake"
                return reply
            case .contentPolicyViolation:
                return Self.error(
                    400, "Your request was rejected as a result of our safety system.", type: "invalid_request_error",
                    code: "content_policy_violation")
            case .rateLimited(let retryAfter, let reset):
                var reply = Self.error(
                    429,
                    "Rate limit reached for gpt-image-1 in organization org-fake on images per minute (IPM): Limit 5, Used 5, Requested 1.",
                    type: "requests", code: "rate_limit_exceeded")
                reply.headers["x-ratelimit-limit-requests"] = "5"
                reply.headers["x-ratelimit-remaining-requests"] = "0"
                reply.headers["x-ratelimit-reset-requests"] = reset
                if let retryAfter { reply.headers["retry-after"] = retryAfter }
                return reply
            case .insufficientQuota:
                return Self.error(
                    429, "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota",
                    code: "insufficient_quota")
            case .status(let status, let message):
                return Self.error(status, message, type: "server_error")
            case .badKey:
                return Self.badKeyReply(sent: apiKey)
            case .malformed(let text):
                return .init(status: 200, headers: ["content-type": "application/json"], body: Array(text.utf8))
            case .oversized(let bytes):
                return Self.json(
                    200,
                    .object([
                        ("created", .number(1_700_000_000, isInteger: true)),
                        ("padding", .string("@padding@")),
                    ])
                ).padded(replacing: "@padding@", with: bytes)
            case .raw(let status, let headers, let body):
                return .init(status: status, headers: headers, body: body)
            }
        }
    }
}
