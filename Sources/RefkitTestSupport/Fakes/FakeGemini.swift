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

    public static let defaultModels: Set<String> = ["gemini-2.5-flash-image", "gemini-3-pro-image-preview", "gemini-3.1-flash-image-preview"]
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

extension FakeGemini {
/// The request handling, shared with the server's closure.
final class Core: Sendable {
    let apiKey: String
    let image: [UInt8]
    let state: Mutex<State>

    init(apiKey: String, image: [UInt8], state: State) {
        self.apiKey = apiKey
        self.image = image
        self.state = Mutex(state)
    }

    func handle(_ call: FakeImageAPIServer.Call) async -> FakeImageAPIServer.Reply {
        var record = FakeGemini.RecordedRequest(
            method: call.method, path: call.path, query: call.query, headers: call.headers, body: call.body, model: nil, json: nil,
            parts: [], spellings: [], seed: nil)
        let (reply, behaviour) = validate(call, into: &record)
        let next = state.withLock { state -> FakeGemini.Behaviour? in
            state.requests.append(record)
            return reply != nil || state.queue.isEmpty ? nil : state.queue.removeFirst()
        }
        if let reply { return reply }
        return await answer(next ?? behaviour, model: record.model ?? "")
    }

    /// The service's own checks; a reply when the request is refused.
    private func validate(_ call: FakeImageAPIServer.Call, into record: inout FakeGemini.RecordedRequest) -> (FakeImageAPIServer.Reply?, FakeGemini.Behaviour) {
        let success = FakeGemini.Behaviour.image()
        let prefix = "/v1beta/models/"
        let suffix = ":generateContent"
        guard call.path.hasPrefix(prefix), call.path.hasSuffix(suffix), call.path.count > prefix.count + suffix.count else {
            return (Self.error(404, "NOT_FOUND", "The requested URL \(call.path) was not found on this server."), success)
        }
        let model = String(call.path.dropFirst(prefix.count).dropLast(suffix.count))
        record.model = model
        guard call.method == "POST" else { return (Self.error(405, "METHOD_NOT_ALLOWED", "Method not allowed."), success) }
        guard let key = call.headers["x-goog-api-key"] ?? call.query["key"] else {
            return (Self.error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."), success)
        }
        guard key == apiKey else { return (Self.badKeyReply(), success) }
        let (models, maxBytes) = state.withLock { ($0.models, $0.maxRequestBytes) }
        guard models.contains(model) else {
            return (Self.error(404, "NOT_FOUND", "models/\(model) is not found for API version v1beta, or is not supported for generateContent."), success)
        }
        guard call.body.count <= maxBytes else {
            return (Self.error(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: \(maxBytes) bytes."), success)
        }
        guard let json = try? RefkitCore.JSONValue.parse(call.body) else {
            return (Self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token."), success)
        }
        record.json = json
        guard let contents = Self.array(json["contents"]), !contents.isEmpty else {
            return (Self.error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified"), success)
        }
        for (c, content) in contents.enumerated() {
            guard let parts = Self.array(content["parts"]), !parts.isEmpty else {
                return (Self.error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents[\(c)].parts: contents.parts must not be empty."), success)
            }
            for (p, part) in parts.enumerated() {
                let field = part["inline_data"] != nil ? "inline_data" : "inlineData"
                if let text = Self.string(part["text"]) {
                    if c == 0 { record.parts.append(.text(text)) }
                } else if let inline = part["inline_data"] ?? part["inlineData"] {
                    record.spellings.insert(field)
                    let mimeField = inline["mime_type"] != nil ? "mime_type" : "mimeType"
                    record.spellings.insert(mimeField)
                    let mime = Self.string(inline["mime_type"] ?? inline["mimeType"]) ?? ""
                    guard let data = Self.string(inline["data"]), let bytes = Data(base64Encoded: data) else {
                        return (Self.error(400, "INVALID_ARGUMENT", "Invalid value at 'contents[\(c)].parts[\(p)].\(field).data' (TYPE_BYTES), Base64 decoding failed"), success)
                    }
                    guard mime.hasPrefix("image/") else {
                        return (Self.error(400, "INVALID_ARGUMENT", "Unsupported MIME type: \(mime)"), success)
                    }
                    if c == 0 { record.parts.append(.image(.init(mime: mime, bytes: Array(bytes)))) }
                } else {
                    return (Self.error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents[\(c)].parts[\(p)].data: required oneof field 'data' must have one initialized field"), success)
                }
            }
        }
        if let seed = json["generationConfig"]?["seed"] {
            // The service's seed is an int32.
            guard case .number(let value, _) = seed, value == value.rounded(), value >= -2_147_483_648, value <= 2_147_483_647 else {
                let message = "Invalid value at 'generation_config.seed' (TYPE_INT32), \(seed.serialized)"
                return (Self.error(400, "INVALID_ARGUMENT", message), success)
            }
            record.seed = Int64(value)
        }
        if let config = json["generationConfig"]?["imageConfig"] {
            if let ratio = config["aspectRatio"], !(Self.string(ratio).map(FakeGemini.aspectRatios.contains) ?? false) {
                return (Self.error(400, "INVALID_ARGUMENT", "Unsupported aspect ratio: \(ratio.serialized)"), success)
            }
            if let size = config["imageSize"], !(Self.string(size).map(FakeGemini.imageSizes.contains) ?? false) {
                return (Self.error(400, "INVALID_ARGUMENT", "Unsupported image size: \(size.serialized)"), success)
            }
        }
        return (nil, success)
    }

    private func answer(_ behaviour: FakeGemini.Behaviour, model: String) async -> FakeImageAPIServer.Reply {
        switch behaviour {
        case .delayed(let delay, let then):
            try? await Task.sleep(for: delay)
            return await answer(then, model: model)
        case .image(let text):
            return Self.candidate(parts: Self.textPart(text) + [Self.imagePart(mime: "image/png", data: Data(image).base64EncodedString())], finish: "STOP", model: model)
        case .imageBytes(let bytes, let mime, let text):
            return Self.candidate(parts: Self.textPart(text) + [Self.imagePart(mime: mime, data: Data(bytes).base64EncodedString())], finish: "STOP", model: model)
        case .invalidBase64:
            return Self.candidate(parts: [Self.imagePart(mime: "image/png", data: "iVBORw0K!!not*base64$$")], finish: "STOP", model: model)
        case .textOnly(let text):
            return Self.candidate(parts: Self.textPart(text), finish: "STOP", model: model)
        case .finish(let reason, let message):
            var candidate: [(key: String, value: RefkitCore.JSONValue)] = [("finishReason", .string(reason)), ("index", .number(0, isInteger: true))]
            if let message { candidate.append(("finishMessage", .string(message))) }
            return Self.json(200, .object([("candidates", .array([.object(candidate)])), ("usageMetadata", Self.usage), ("modelVersion", .string(model))]))
        case .promptBlocked(let reason):
            return Self.json(200, .object([
                ("promptFeedback", .object([
                    ("blockReason", .string(reason)),
                    ("safetyRatings", .array([.object([("category", .string("HARM_CATEGORY_SEXUALLY_EXPLICIT")), ("probability", .string("HIGH"))])])),
                ])),
                ("usageMetadata", Self.usage), ("modelVersion", .string(model)),
            ]))
        case .rateLimited(let delay, let perDay):
            let quotaID = perDay ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier" : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
            let details: [RefkitCore.JSONValue] = [
                .object([
                    ("@type", .string("type.googleapis.com/google.rpc.QuotaFailure")),
                    ("violations", .array([.object([
                        ("quotaMetric", .string("generativelanguage.googleapis.com/generate_content_free_tier_requests")),
                        ("quotaId", .string(quotaID)),
                        ("quotaDimensions", .object([("location", .string("global")), ("model", .string(model))])),
                        ("quotaValue", .string(perDay ? "100" : "10")),
                    ])])),
                ]),
                .object([("@type", .string("type.googleapis.com/google.rpc.Help")), ("links", .array([]))]),
                .object([("@type", .string("type.googleapis.com/google.rpc.RetryInfo")), ("retryDelay", .string(delay))]),
            ]
            return Self.error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details. Please retry in \(delay).", details: details)
        case .status(let code, let message):
            let status: String =
                switch code {
                case 500: "INTERNAL"
                case 503: "UNAVAILABLE"
                case 504: "DEADLINE_EXCEEDED"
                case 403: "PERMISSION_DENIED"
                case 404: "NOT_FOUND"
                case 400: "INVALID_ARGUMENT"
                default: "UNKNOWN"
                }
            return Self.error(code, status, message)
        case .badKey:
            return Self.badKeyReply()
        case .malformed(let text):
            return .init(status: 200, headers: ["content-type": "application/json; charset=UTF-8"], body: Array(text.utf8))
        case .oversized(let bytes):
            let padding = String(repeating: "A", count: max(0, bytes))
            return Self.candidate(parts: [.object([("text", .string(padding))])], finish: "STOP", model: model)
        case .raw(let status, let headers, let body):
            return .init(status: status, headers: headers, body: body)
        }
    }

    // MARK: Wire shapes

    static let usage: RefkitCore.JSONValue = .object([
        ("promptTokenCount", .number(1290, isInteger: true)), ("candidatesTokenCount", .number(1290, isInteger: true)),
        ("totalTokenCount", .number(2580, isInteger: true)),
    ])

    static func textPart(_ text: String?) -> [RefkitCore.JSONValue] {
        text.map { [.object([("text", .string($0))])] } ?? []
    }

    static func imagePart(mime: String, data: String) -> RefkitCore.JSONValue {
        .object([("inlineData", .object([("mimeType", .string(mime)), ("data", .string(data))]))])
    }

    static func candidate(parts: [RefkitCore.JSONValue], finish: String, model: String) -> FakeImageAPIServer.Reply {
        json(200, .object([
            ("candidates", .array([.object([
                ("content", .object([("role", .string("model")), ("parts", .array(parts))])),
                ("finishReason", .string(finish)), ("index", .number(0, isInteger: true)),
            ])])),
            ("usageMetadata", usage), ("modelVersion", .string(model)), ("responseId", .string("fake-\(UInt32.random(in: 0...UInt32.max))")),
        ]))
    }

    static func badKeyReply() -> FakeImageAPIServer.Reply {
        error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details: [
            .object([
                ("@type", .string("type.googleapis.com/google.rpc.ErrorInfo")), ("reason", .string("API_KEY_INVALID")),
                ("domain", .string("googleapis.com")), ("metadata", .object([("service", .string("generativelanguage.googleapis.com"))])),
            ]),
            .object([("@type", .string("type.googleapis.com/google.rpc.LocalizedMessage")), ("locale", .string("en-US")), ("message", .string("API key not valid. Please pass a valid API key."))]),
        ])
    }

    static func error(_ code: Int, _ status: String, _ message: String, details: [RefkitCore.JSONValue] = []) -> FakeImageAPIServer.Reply {
        var error: [(key: String, value: RefkitCore.JSONValue)] = [("code", .number(Double(code), isInteger: true)), ("message", .string(message)), ("status", .string(status))]
        if !details.isEmpty { error.append(("details", .array(details))) }
        return json(code, .object([("error", .object(error))]))
    }

    static func json(_ status: Int, _ value: RefkitCore.JSONValue) -> FakeImageAPIServer.Reply {
        .init(status: status, headers: ["content-type": "application/json; charset=UTF-8"], body: Array(value.serialized.utf8))
    }

    static func string(_ value: RefkitCore.JSONValue?) -> String? {
        if case .string(let s)? = value { return s }
        return nil
    }

    static func array(_ value: RefkitCore.JSONValue?) -> [RefkitCore.JSONValue]? {
        if case .array(let items)? = value { return items }
        return nil
    }
}

}

/// A FlyingFox server on 127.0.0.1 with an OS-chosen port that hands every request to one
/// handler, for the image API fakes (Gemini, OpenAI).
final class FakeImageAPIServer: Sendable {
    struct Call: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        /// Names lowercased.
        var headers: [String: String]
        var body: [UInt8]
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    let baseURL: String
    private let server: HTTPServer
    private let task: Task<Void, Never>

    private init(baseURL: String, server: HTTPServer, task: Task<Void, Never>) {
        self.baseURL = baseURL
        self.server = server
        self.task = task
    }

    static func start(_ handle: @escaping @Sendable (Call) async -> Reply) async throws -> FakeImageAPIServer {
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60, logger: .disabled,
            handler: ClosureHTTPHandler { request in
                let body = Array((try? await request.bodyData) ?? Data())
                var headers: [String: String] = [:]
                for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
                var query: [String: String] = [:]
                for item in request.query { query[item.name] = item.value }
                let reply = await handle(Call(method: request.method.rawValue, path: request.path, query: query, headers: headers, body: body))
                var responseHeaders = HTTPHeaders()
                for (name, value) in reply.headers { responseHeaders[HTTPHeader(name)] = value }
                return HTTPResponse(statusCode: HTTPStatusCode(reply.status, phrase: phrase(reply.status)), headers: responseHeaders, body: Data(reply.body))
            })
        let task = Task(executorPreference: FakeServerExecutor.shared) { _ = try? await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            task.cancel()
            throw FixtureError("the fake server has no IPv4 address")
        }
        return FakeImageAPIServer(baseURL: "http://127.0.0.1:\(port)", server: server, task: task)
    }

    func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}
