import Foundation
import RefkitCore
import RefkitHTTP

/// One OpenAI-compatible chat completion with images (`POST {base}/chat/completions`, the images
/// as `data:` URLs, JSON mode): the exchange the analyzer and the vision judge share. It returns
/// the message's text as the model wrote it, because the two read it differently: the analyzer
/// tolerantly (prose and fences around the JSON are skipped), the judge strictly (a judge that
/// broke the rubric has not judged).
///
/// Errors (the API key is redacted from every one): `ProviderError+HTTP`'s codes for statuses
/// and transfers (429 and 5xx retryable with `Retry-After`, 401/403 `provider_auth_failed`, a
/// timeout `provider_timeout`); `provider_bad_response` for a body that is not a completion or
/// a message without text; `provider_safety_block` for a refusal or `finish_reason:
/// content_filter`; `provider_not_configured` without a key, before any request.
struct ChatCompletion: Sendable {
    /// What the model wrote.
    struct Answer: Sendable {
        /// The message content, untouched (not trimmed, not parsed).
        var content: String
        /// `finish_reason`: "stop", "length" (cut off), …; "" when absent.
        var finishReason: String
        /// The model the server says answered (often a dated version of the one asked for).
        var model: String?
    }

    /// Where the user text goes among the user message's parts: the analyzer asks first and
    /// shows after; the judge's rubric talks about "the first image" and "the second", so it
    /// follows them.
    enum TextPlacement: Sendable {
        case beforeImages, afterImages
    }

    /// A chat answer is text: a few MiB is far more than any answer, and bounds a broken server.
    static let maxResponseBytes = 4 << 20

    /// Names the server in errors ("analyzer", "judge").
    let provider: String
    let baseURL: String
    let model: String
    let apiKey: String?
    let http: HTTPClient
    let timeout: Duration

    init(provider: String, baseURL: String, model: String, apiKey: String?, http: HTTPClient, timeout: Duration) {
        self.provider = provider
        self.baseURL = ProviderHTTP.trimmedBase(baseURL)
        self.model = model
        self.apiKey = apiKey
        self.http = http
        self.timeout = timeout
    }

    /// Sends `system`, then a user message of `text` and `images` (in the order given), in JSON mode.
    /// `temperature` is left to the server when nil.
    func send(
        system: String, text: String, images: [ReferenceImage], textPlacement: TextPlacement = .beforeImages,
        temperature: Double? = nil, maxTokens: Int = 800
    ) async throws(ProviderError) -> Answer {
        do throws(ProviderError) {
            return try await exchange(
                system: system, text: text, images: images, textPlacement: textPlacement, temperature: temperature, maxTokens: maxTokens)
        } catch {
            throw error.redacted(secret: apiKey)
        }
    }

    private func exchange(
        system: String, text: String, images: [ReferenceImage], textPlacement: TextPlacement, temperature: Double?, maxTokens: Int
    ) async throws(ProviderError) -> Answer {
        guard let apiKey, !apiKey.isEmpty else {
            throw ProviderError(code: .notConfigured, message: "\(provider) has no API key", retryable: false)
        }
        let body = requestBody(
            system: system, text: text, images: images, textPlacement: textPlacement, temperature: temperature, maxTokens: maxTokens)
        let request = HTTPRequest(
            method: "POST", url: baseURL + "/chat/completions",
            headers: [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json"), ("Accept", "application/json")],
            body: Array(body.serialized.utf8), timeout: timeout, maxResponseBytes: Self.maxResponseBytes)
        let response: HTTPResponse
        do {
            response = try await http.send(request, policy: URLPolicy(forBaseURL: baseURL))
        } catch {
            throw ProviderError.transport(error, provider: provider)
        }
        guard (200..<300).contains(response.status) else { throw statusError(response) }
        return try answer(ProviderHTTP.parseJSON(response.body, provider: provider))
    }

    func requestBody(
        system: String, text: String, images: [ReferenceImage], textPlacement: TextPlacement, temperature: Double?, maxTokens: Int
    ) -> JSONValue {
        let imageParts = images.map { image in
            JSONValue.object([
                ("type", .string("image_url")),
                (
                    "image_url",
                    .object([("url", .string("data:\(image.mime);base64,\(Base64.encode(image.bytes))")), ("detail", .string("auto"))])
                ),
            ])
        }
        let textPart = JSONValue.object([("type", .string("text")), ("text", .string(text))])
        let parts = textPlacement == .beforeImages ? [textPart] + imageParts : imageParts + [textPart]
        var members: [(key: String, value: JSONValue)] = [
            ("model", .string(model)),
            (
                "messages",
                .array([
                    .object([("role", .string("system")), ("content", .string(system))]),
                    .object([("role", .string("user")), ("content", .array(parts))]),
                ])
            ),
            ("response_format", .object([("type", .string("json_object"))])),
            ("max_tokens", .integer(maxTokens)),
        ]
        if let temperature { members.append(("temperature", .number(temperature, isInteger: false))) }
        return .object(members)
    }

    /// An error answer: OpenAI's `{"error":{"message","code"}}`, or a bare `{"message"}` from other servers.
    func statusError(_ response: HTTPResponse) -> ProviderError {
        let json = try? JSONValue.parse(response.body)
        let message = json?[path: "error", "message"]?.stringValue ?? json?["message"]?.stringValue ?? LogRedaction.quote(response.body)
        let code = json?[path: "error", "code"].flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? ""
        return ProviderError.httpStatus(
            response.status, provider: provider, providerMessage: message, providerCode: code, retryAfter: RetryAfter.of(response))
    }

    /// The first choice's text, or why there is none.
    func answer(_ json: JSONValue) throws(ProviderError) -> Answer {
        guard let choice = json["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw ProviderError.badResponse(provider: provider, "has no choices[0].message")
        }
        let finish = choice["finish_reason"]?.stringValue ?? ""
        if let refusal = message["refusal"]?.stringValue, !refusal.isEmpty {
            throw ProviderError(code: .safetyBlock, message: "\(provider) refused to answer: \(refusal)", retryable: false)
        }
        if finish == "content_filter" {
            throw ProviderError(code: .safetyBlock, message: "\(provider)'s content filter blocked the answer", retryable: false)
        }
        guard let content = Self.text(of: message["content"]), !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            var error = ProviderError.badResponse(provider: provider, "has no message content")
            error.detail = "finish_reason \(finish.isEmpty ? "none" : finish)"
            throw error
        }
        return Answer(content: content, finishReason: finish, model: json["model"]?.stringValue)
    }

    /// The message content as text: a string, or the text parts of an array.
    static func text(of content: JSONValue?) -> String? {
        switch content {
        case .string(let s)?: return s
        case .array(let parts)?:
            let texts = parts.compactMap { $0["text"]?.stringValue ?? $0.stringValue }
            return texts.isEmpty ? nil : texts.joined()
        default: return nil
        }
    }
}
