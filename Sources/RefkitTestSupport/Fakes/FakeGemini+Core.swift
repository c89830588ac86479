import FlyingFox
import Foundation
import RefkitCore
import Synchronization

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
        private func validate(
            _ call: FakeImageAPIServer.Call, into record: inout FakeGemini.RecordedRequest
        ) -> (
            FakeImageAPIServer.Reply?, FakeGemini.Behaviour
        ) {
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
                return (
                    Self.error(
                        403, "PERMISSION_DENIED",
                        "Method doesn't allow unregistered callers (callers without established identity). "
                            + "Please use API Key or other form of API consumer identity to call this API."
                    ), success
                )
            }
            guard key == apiKey else { return (Self.badKeyReply(), success) }
            let (models, maxBytes) = state.withLock { ($0.models, $0.maxRequestBytes) }
            guard models.contains(model) else {
                return (
                    Self.error(
                        404, "NOT_FOUND", "models/\(model) is not found for API version v1beta, or is not supported for generateContent."),
                    success
                )
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
                    return (
                        Self.error(
                            400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents[\(c)].parts: contents.parts must not be empty."),
                        success
                    )
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
                            return (
                                Self.error(
                                    400, "INVALID_ARGUMENT",
                                    "Invalid value at 'contents[\(c)].parts[\(p)].\(field).data' (TYPE_BYTES), Base64 decoding failed"),
                                success
                            )
                        }
                        guard mime.hasPrefix("image/") else {
                            return (Self.error(400, "INVALID_ARGUMENT", "Unsupported MIME type: \(mime)"), success)
                        }
                        if c == 0 { record.parts.append(.image(.init(mime: mime, bytes: Array(bytes)))) }
                    } else {
                        return (
                            Self.error(
                                400, "INVALID_ARGUMENT",
                                "* GenerateContentRequest.contents[\(c)].parts[\(p)].data: "
                                    + "required oneof field 'data' must have one initialized field"
                            ), success
                        )
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
                return Self.candidate(
                    parts: Self.textPart(text) + [Self.imagePart(mime: "image/png", data: Data(image).base64EncodedString())],
                    finish: "STOP", model: model)
            case .imageBytes(let bytes, let mime, let text):
                return Self.candidate(
                    parts: Self.textPart(text) + [Self.imagePart(mime: mime, data: Data(bytes).base64EncodedString())], finish: "STOP",
                    model: model)
            case .invalidBase64:
                return Self.candidate(
                    parts: [Self.imagePart(mime: "image/png", data: "iVBORw0K!!not*base64$$")], finish: "STOP", model: model)
            case .textOnly(let text):
                return Self.candidate(parts: Self.textPart(text), finish: "STOP", model: model)
            case .finish(let reason, let message):
                var candidate: [(key: String, value: RefkitCore.JSONValue)] = [
                    ("finishReason", .string(reason)), ("index", .number(0, isInteger: true)),
                ]
                if let message { candidate.append(("finishMessage", .string(message))) }
                return Self.json(
                    200,
                    .object([("candidates", .array([.object(candidate)])), ("usageMetadata", Self.usage), ("modelVersion", .string(model))])
                )
            case .promptBlocked(let reason):
                return Self.json(
                    200,
                    .object([
                        (
                            "promptFeedback",
                            .object([
                                ("blockReason", .string(reason)),
                                (
                                    "safetyRatings",
                                    .array([
                                        .object([
                                            ("category", .string("HARM_CATEGORY_SEXUALLY_EXPLICIT")), ("probability", .string("HIGH")),
                                        ])
                                    ])
                                ),
                            ])
                        ),
                        ("usageMetadata", Self.usage), ("modelVersion", .string(model)),
                    ]))
            case .rateLimited(let delay, let perDay):
                let quotaID =
                    perDay ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier" : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
                let details: [RefkitCore.JSONValue] = [
                    .object([
                        ("@type", .string("type.googleapis.com/google.rpc.QuotaFailure")),
                        (
                            "violations",
                            .array([
                                .object([
                                    ("quotaMetric", .string("generativelanguage.googleapis.com/generate_content_free_tier_requests")),
                                    ("quotaId", .string(quotaID)),
                                    ("quotaDimensions", .object([("location", .string("global")), ("model", .string(model))])),
                                    ("quotaValue", .string(perDay ? "100" : "10")),
                                ])
                            ])
                        ),
                    ]),
                    .object([("@type", .string("type.googleapis.com/google.rpc.Help")), ("links", .array([]))]),
                    .object([("@type", .string("type.googleapis.com/google.rpc.RetryInfo")), ("retryDelay", .string(delay))]),
                ]
                return Self.error(
                    429, "RESOURCE_EXHAUSTED",
                    "You exceeded your current quota, please check your plan and billing details. Please retry in \(delay).",
                    details: details)
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
                return Self.candidate(parts: [.object([("text", .string("@padding@"))])], finish: "STOP", model: model)
                    .padded(replacing: "@padding@", with: bytes)
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
            json(
                200,
                .object([
                    (
                        "candidates",
                        .array([
                            .object([
                                ("content", .object([("role", .string("model")), ("parts", .array(parts))])),
                                ("finishReason", .string(finish)), ("index", .number(0, isInteger: true)),
                            ])
                        ])
                    ),
                    ("usageMetadata", usage), ("modelVersion", .string(model)),
                    ("responseId", .string("fake-\(UInt32.random(in: 0...UInt32.max))")),
                ]))
        }

        static func badKeyReply() -> FakeImageAPIServer.Reply {
            error(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                details: [
                    .object([
                        ("@type", .string("type.googleapis.com/google.rpc.ErrorInfo")), ("reason", .string("API_KEY_INVALID")),
                        ("domain", .string("googleapis.com")),
                        ("metadata", .object([("service", .string("generativelanguage.googleapis.com"))])),
                    ]),
                    .object([
                        ("@type", .string("type.googleapis.com/google.rpc.LocalizedMessage")), ("locale", .string("en-US")),
                        ("message", .string("API key not valid. Please pass a valid API key.")),
                    ]),
                ])
        }

        static func error(
            _ code: Int, _ status: String, _ message: String, details: [RefkitCore.JSONValue] = []
        )
            -> FakeImageAPIServer.Reply
        {
            var error: [(key: String, value: RefkitCore.JSONValue)] = [
                ("code", .number(Double(code), isInteger: true)), ("message", .string(message)), ("status", .string(status)),
            ]
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
