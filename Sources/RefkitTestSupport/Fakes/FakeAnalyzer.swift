import FlyingFox
import Foundation
import RefkitCore
import Synchronization

// FlyingFox has a JSONValue of its own, hence RefkitCore.JSONValue throughout.

/// An OpenAI-compatible chat-completions server with vision on 127.0.0.1 (providers.md §6):
/// `POST {base}/chat/completions` with `Authorization: Bearer <key>` (401 otherwise, with a
/// message that quotes the key it got, as OpenAI does, so tests can check redaction).
/// Message `content` may be a string or an array of parts; `image_url` parts must carry an
/// http(s) URL or a decodable `data:` URL (400 otherwise). The answer is a `chat.completion`
/// whose `message.content` is a JSON string: `content` (default `defaultContent`), or the next
/// scripted reply. Every request is recorded.
public final class FakeAnalyzer: Sendable {
    /// `http://127.0.0.1:PORT/v1`, the analyzer's base URL.
    public let baseURL: String
    public let key: String
    private let core: Core
    private let loopback: FakeComfyUI.Loopback

    /// What a real vision model answers for a portrait: every field, some untidy.
    public static let defaultContent = """
        {"gender":"female","species":"human","age":"young adult","hair_color":"auburn","hair_style":" long, wavy ",\
        "eye_color":"green","outfit":"denim jacket over a white t-shirt","description":\
        "A young woman with long wavy auburn hair and green eyes.",\
        "content_rating":"PG","mood":"cheerful","notes":""}
        """

    private init(key: String, core: Core, loopback: FakeComfyUI.Loopback) {
        self.key = key
        self.core = core
        self.loopback = loopback
        self.baseURL = loopback.baseURL + "/v1"
    }

    public static func start(key: String = "sk-analyzer-test-0123456789abcdef") async throws -> FakeAnalyzer {
        let core = Core(key: key)
        let loopback = try await FakeComfyUI.Loopback.start(port: 0) { call in core.handle(call) }
        return FakeAnalyzer(key: key, core: core, loopback: loopback)
    }

    public func stop() async { await loopback.stop() }

    // MARK: Scripting

    /// One scripted answer to `POST /chat/completions`.
    public enum Reply: Sendable {
        /// A completion whose message content is this text.
        case content(String, finishReason: String = "stop")
        /// A completion with `content: null` and this `refusal`.
        case refusal(String)
        /// A raw HTTP answer.
        case status(Int, body: String, headers: [String: String] = [:])
    }

    /// The next requests are answered with these, first in first out.
    public func script(_ replies: Reply...) { core.state.withLock { $0.replies += replies } }

    /// The content of unscripted answers.
    public func setContent(_ content: String) { core.state.withLock { $0.content = content } }

    // MARK: Observations

    /// One accepted request.
    public struct Request: Sendable {
        public var headers: [String: String]
        public var body: RefkitCore.JSONValue
        /// The images of the user message, decoded from their `data:` URLs.
        public var images: [(mime: String, bytes: [UInt8])]
        public var model: String? { if case .string(let s)? = body["model"] { s } else { nil } }
    }

    public var requests: [Request] { core.state.withLock { $0.requests } }
    /// Every request, including refused ones.
    public var callCount: Int { core.state.withLock { $0.calls } }

    // MARK: - Server

    struct State: Sendable {
        var content = FakeAnalyzer.defaultContent
        var replies: [Reply] = []
        var requests: [Request] = []
        var calls = 0
    }

    final class Core: Sendable {
        let key: String
        let state = Mutex(State())

        init(key: String) { self.key = key }

        func handle(_ call: FakeComfyUI.Call) -> FakeComfyUI.Reply {
            state.withLock { state in
                state.calls += 1
                guard call.method == "POST", call.path.hasSuffix("/chat/completions") else {
                    return error(404, "Unknown request URL", "not_found")
                }
                guard call.headers["authorization"] == "Bearer \(key)" else {
                    let given = call.headers["authorization"].map { String($0.dropFirst("Bearer ".count)) } ?? ""
                    return error(
                        401,
                        "Incorrect API key provided: \(given). You can find your API key at https://platform.openai.com/account/api-keys.",
                        "invalid_api_key")
                }
                guard let body = call.json, case .array(let messages)? = body["messages"], !messages.isEmpty, case .string? = body["model"]
                else {
                    return error(400, "'messages' and 'model' are required", "invalid_request_error")
                }
                var images: [(mime: String, bytes: [UInt8])] = []
                for message in messages {
                    guard case .array(let parts)? = message["content"] else { continue }  // a string is fine
                    for part in parts where part["type"] == .string("image_url") {
                        guard case .string(let url)? = part["image_url"]?["url"] else {
                            return error(400, "image_url.url is required", "invalid_image_url")
                        }
                        if url.hasPrefix("http://") || url.hasPrefix("https://") { continue }
                        guard let decoded = Self.decodeDataURL(url) else {
                            return error(400, "Invalid image data URL", "invalid_image_format")
                        }
                        images.append(decoded)
                    }
                }
                state.requests.append(Request(headers: call.headers, body: body, images: images))
                let reply = state.replies.isEmpty ? .content(state.content) : state.replies.removeFirst()
                switch reply {
                case .content(let text, let finish): return completion(.string(text), refusal: .null, finish: finish)
                case .refusal(let text): return completion(.null, refusal: .string(text), finish: "stop")
                case .status(let status, let text, let headers):
                    return FakeComfyUI.Reply(
                        status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: Array(text.utf8)
                    )
                }
            }
        }

        func error(_ status: Int, _ message: String, _ code: String) -> FakeComfyUI.Reply {
            .json(
                status,
                .object([
                    (
                        "error",
                        .object([
                            ("message", .string(message)), ("type", .string("invalid_request_error")), ("param", .null),
                            ("code", .string(code)),
                        ])
                    )
                ]))
        }

        func completion(_ content: RefkitCore.JSONValue, refusal: RefkitCore.JSONValue, finish: String) -> FakeComfyUI.Reply {
            .json(
                200,
                .object([
                    ("id", .string("chatcmpl-\(UUID().uuidString.prefix(8))")), ("object", .string("chat.completion")),
                    ("created", .number(1_700_000_000, isInteger: true)), ("model", .string("gpt-4.1-mini-2025-04-14")),
                    (
                        "choices",
                        .array([
                            .object([
                                ("index", .number(0, isInteger: true)),
                                ("message", .object([("role", .string("assistant")), ("content", content), ("refusal", refusal)])),
                                ("finish_reason", .string(finish)),
                            ])
                        ])
                    ),
                    (
                        "usage",
                        .object([
                            ("prompt_tokens", .number(812, isInteger: true)), ("completion_tokens", .number(96, isInteger: true)),
                            ("total_tokens", .number(908, isInteger: true)),
                        ])
                    ),
                ]))
        }

        static func decodeDataURL(_ url: String) -> (mime: String, bytes: [UInt8])? {
            guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
            let meta = url[url.index(url.startIndex, offsetBy: 5)..<comma]
            guard meta.hasSuffix(";base64"), let data = Data(base64Encoded: String(url[url.index(after: comma)...])), !data.isEmpty else {
                return nil
            }
            return (String(meta.dropLast(";base64".count)), Array(data))
        }
    }
}
