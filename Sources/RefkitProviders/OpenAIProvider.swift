import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// OpenAI Images (`gpt-image-1`): `/images/edits` with the source and references as repeated
/// `image[]` parts, or `/images/generations` for text-only stages; the image comes back as
/// `data[0].b64_json`.
public struct OpenAIProvider: ImageProvider {
    public static let defaultModel = "gpt-image-1"
    /// The sizes gpt-image-1 makes, as (name, width / height).
    static let sizes: [(name: String, ratio: Double)] = [("1024x1024", 1), ("1024x1536", 1024.0 / 1536), ("1536x1024", 1536.0 / 1024)]
    /// Optional form fields passed through from `[providers.NAME]` when set.
    static let passThroughKeys = ["quality", "input_fidelity", "background", "output_format"]

    public let name: String
    /// One image is one generate/edits call: only that exchange holds a slot.
    public var gatesItsOwnRequest: Bool { true }
    let settings: ProviderSettings
    let http: HTTPClient
    let logger: Logger
    let maxResponseBytes: Int

    public init(
        settings: ProviderSettings, http: HTTPClient, logger: Logger = Logger(label: "refkit.providers.openai"),
        maxResponseBytes: Int = ProviderHTTP.maxResponseBytes
    ) {
        self.name = settings.name
        self.settings = settings
        self.http = http
        self.logger = logger
        self.maxResponseBytes = maxResponseBytes
    }

    public func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        guard let key = settings.apiKey, !key.isEmpty else { throw ProviderError.missingKey(provider: name) }
        let model = request.model ?? settings.model ?? Self.defaultModel
        let base = ProviderHTTP.trimmedBase(settings.baseURL)
        let httpRequest = self.httpRequest(request, model: model, base: base, key: key)
        return try await ProviderHTTP.loggedExchange(
            httpRequest, for: request, provider: name, model: model, key: key, base: base, http: http, logger: logger
        ) { response throws(ProviderError) in try interpret(response, model: model) }
    }

    /// The images to condition on, in order: source, locked reference, further references.
    static func inputImages(_ request: GenerationRequest) -> [ReferenceImage] {
        [request.source, request.lockedReference].compactMap { $0 } + request.references
    }

    /// An edit (multipart) when there are images to condition on, else a generation (JSON).
    func httpRequest(_ request: GenerationRequest, model: String, base: String, key: String) -> HTTPRequest {
        let images = Self.inputImages(request)
        let size = settings.extra["size"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.size(width: request.width, height: request.height)
        let options = Self.passThroughKeys.compactMap { key in settings.extra[key].flatMap { $0.isEmpty ? nil : (key, $0) } }
        let auth = ("authorization", "Bearer \(key)")
        if images.isEmpty {
            var fields: [(key: String, value: JSONValue)] = [
                ("model", .string(model)), ("prompt", .string(request.promptWithAvoidance)), ("n", .integer(1)), ("size", .string(size)),
            ]
            fields += options.map { ($0.0, .string($0.1)) }
            return HTTPRequest(
                method: "POST", url: "\(base)/images/generations", headers: [("content-type", "application/json"), auth],
                body: Array(JSONValue.object(fields).serialized.utf8), timeout: settings.timeout, maxResponseBytes: maxResponseBytes)
        }
        var form = MultipartForm()
        form.addField(name: "model", value: model)
        form.addField(name: "prompt", value: request.promptWithAvoidance)
        for (i, image) in images.enumerated() {
            form.addFile(
                name: "image[]", filename: "image-\(i + 1).\(Self.fileExtension(image.mime))", contentType: image.mime, bytes: image.bytes)
        }
        form.addField(name: "size", value: size)
        for (key, value) in options { form.addField(name: key, value: value) }
        form.addField(name: "n", value: "1")
        return HTTPRequest(
            method: "POST", url: "\(base)/images/edits", headers: [("content-type", form.contentType), auth],
            body: form.body, timeout: settings.timeout, maxResponseBytes: maxResponseBytes)
    }

    /// The supported size nearest in aspect ratio to width x height.
    static func size(width: Int, height: Int) -> String {
        guard width > 0, height > 0 else { return "1024x1024" }
        let wanted = log(Double(width) / Double(height))
        return sizes.min { abs(log($0.ratio) - wanted) < abs(log($1.ratio) - wanted) }!.name
    }

    static func fileExtension(_ mime: String) -> String {
        ImageFormat(mime: mime)?.fileExtension ?? "png"
    }

    /// A response as an image or the error it reports.
    func interpret(_ response: HTTPResponse, model: String) throws(ProviderError) -> GeneratedImage {
        guard (200...299).contains(response.status) else { throw statusError(response) }
        let json = try ProviderHTTP.parseJSON(response.body, provider: name)
        guard case .object = json else { throw ProviderError.badResponse(provider: name, "is not a JSON object") }
        guard let first = json["data"]?.arrayValue?.first else {
            throw ProviderError.badResponse(provider: name, "has no data")
        }
        guard let encoded = first["b64_json"]?.stringValue else {
            throw ProviderError.noImage(
                provider: name, reason: first["url"] != nil ? "the answer has a URL, not b64_json" : "data[0] has no b64_json")
        }
        guard let bytes = Base64.decode(encoded) else {
            throw ProviderError(code: .invalidImage, message: "\(name)'s image data is not valid base64", retryable: false)
        }
        return try ProviderHTTP.validatedImage(bytes, provider: name, model: model, costUSD: settings.pricePerImageUSD)
    }

    /// An error answer: `{"error":{"message","type","param","code"}}`.
    func statusError(_ response: HTTPResponse) -> ProviderError {
        let error = (try? JSONValue.parse(response.body))?["error"]
        let message = error?["message"]?.stringValue ?? LogRedaction.quote(response.body)
        let code = error?["code"]?.stringValue ?? ""
        let type = error?["type"]?.stringValue ?? ""
        let providerCode = [type, code].filter { !$0.isEmpty }.joined(separator: ", ")
        let detail = "HTTP \(response.status)" + (providerCode.isEmpty ? "" : ", \(providerCode)")

        if code == "moderation_blocked" || code == "content_policy_violation"
            || type == "image_generation_user_error" && message.contains("safety system")
        {
            var categories = ""
            if let stage = error?[path: "moderation_details", "moderation_stage"]?.stringValue {
                let list = (error?[path: "moderation_details", "categories"]?.arrayValue ?? []).compactMap(\.stringValue)
                categories = "; \(stage) moderation" + (list.isEmpty ? "" : ": \(list.joined(separator: ", "))")
            }
            return ProviderError(
                code: .safetyBlock, message: "\(name) blocked the request: \(message)", detail: detail + categories,
                retryable: false)
        }
        if response.status == 429 && code == "insufficient_quota" {
            return ProviderError(
                code: .quotaExhausted, message: "\(name)'s quota is used up: \(message)", detail: detail, retryable: false)
        }
        if code == "invalid_api_key" {
            return ProviderError(
                code: .authFailed, message: "\(name) refused the API key: \(message)", detail: detail, retryable: false)
        }
        let retryAfter = RetryAfter.of(response) ?? Self.rateLimitReset(response)
        return ProviderError.httpStatus(
            response.status, provider: name, providerMessage: message, providerCode: providerCode, retryAfter: retryAfter)
    }

    /// Without `Retry-After`, the later of the `x-ratelimit-reset-*` headers (`"12ms"`, `"1s"`, `"6m0s"`).
    static func rateLimitReset(_ response: HTTPResponse) -> Duration? {
        let resets = ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"].compactMap { response.header($0) }.compactMap(
            parseGoDuration)
        return resets.max()
    }

    /// A Go-style duration: `"250ms"`, `"20s"`, `"1m30.5s"`, `"2h"`.
    static func parseGoDuration(_ text: String) -> Duration? {
        var total = 0.0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let value = Double(number) else { return false }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return false
            }
            total += value * scale
            number = ""
            unit = ""
            sawAny = true
            return true
        }
        for c in text.trimmingCharacters(in: .whitespaces) {
            if c.isNumber || c == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(c)
            } else if c.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(c)
            } else {
                return nil
            }
        }
        if !number.isEmpty { guard flush() else { return nil } }
        guard sawAny, total.isFinite, total >= 0 else { return nil }
        return .milliseconds(Int64((min(total, 86_400) * 1000).rounded(.up)))
    }
}
