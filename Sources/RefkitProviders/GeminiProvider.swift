import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// Google Gemini native image generation (`gemini-2.5-flash-image` and later): one
/// `generateContent` call per image, the prompt and reference images as parts, the image read
/// from whichever part of the answer carries it.
public struct GeminiProvider: ImageProvider {
    public static let defaultModel = "gemini-2.5-flash-image"
    /// The aspect ratios the API accepts, as (name, width / height).
    static let aspectRatios: [(name: String, ratio: Double)] = [
        ("1:1", 1), ("2:3", 2.0 / 3), ("3:2", 3.0 / 2), ("3:4", 3.0 / 4), ("4:3", 4.0 / 3), ("4:5", 4.0 / 5),
        ("5:4", 5.0 / 4), ("9:16", 9.0 / 16), ("16:9", 16.0 / 9), ("21:9", 21.0 / 9),
    ]
    /// Finish reasons that mean a safety or policy filter removed the image.
    static let safetyFinishReasons: Set<String> = [
        "SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "RECITATION", "IMAGE_RECITATION", "BLOCKLIST", "SPII",
    ]

    public let name: String
    /// One image is one generate/edits call: only that exchange holds a slot.
    public var gatesItsOwnRequest: Bool { true }
    let settings: ProviderSettings
    let http: HTTPClient
    let logger: Logger
    let maxResponseBytes: Int

    public init(
        settings: ProviderSettings, http: HTTPClient, logger: Logger = Logger(label: "refkit.providers.gemini"),
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
        let model = try modelName(request.model ?? settings.model ?? Self.defaultModel)
        let base = ProviderHTTP.trimmedBase(settings.baseURL)
        let body = requestBody(request)
        let httpRequest = HTTPRequest(
            method: "POST", url: "\(base)/v1beta/models/\(model):generateContent",
            headers: [("content-type", "application/json"), ("x-goog-api-key", key)],
            body: Array(body.serialized.utf8), timeout: settings.timeout, maxResponseBytes: maxResponseBytes)
        return try await ProviderHTTP.loggedExchange(
            httpRequest, for: request, provider: name, model: model, key: key, base: base, http: http, logger: logger
        ) { response throws(ProviderError) in try interpret(response, model: model) }
    }

    /// `models/NAME` or `NAME`; the name goes into the URL path, so only URL-safe characters.
    func modelName(_ configured: String) throws(ProviderError) -> String { try Self.modelName(configured, provider: name) }

    /// `modelName` for any client of the Gemini API (the image provider, the vision judge).
    static func modelName(_ configured: String, provider: String) throws(ProviderError) -> String {
        let name = configured.hasPrefix("models/") ? String(configured.dropFirst("models/".count)) : configured
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-._".unicodeScalars.contains($0))
            })
        else {
            throw ProviderError(
                code: .notConfigured, message: "\(provider): the model name \"\(configured)\" is not valid", retryable: false)
        }
        return name
    }

    /// The `generateContent` body: prompt, then source, locked reference and further references; the seed.
    func requestBody(_ request: GenerationRequest) -> JSONValue {
        var parts: [JSONValue] = [.object([("text", .string(request.promptWithAvoidance))])]
        for image in [request.source, request.lockedReference].compactMap({ $0 }) + request.references {
            parts.append(
                .object([("inline_data", .object([("mime_type", .string(image.mime)), ("data", .string(Base64.encode(image.bytes)))]))]))
        }
        var imageConfig: [(key: String, value: JSONValue)] = [
            ("aspectRatio", .string(Self.aspectRatio(width: request.width, height: request.height)))
        ]
        if let size = settings.extra["image_size"], !size.isEmpty { imageConfig.append(("imageSize", .string(size))) }
        return .object([
            ("contents", .array([.object([("role", .string("user")), ("parts", .array(parts))])])),
            (
                "generationConfig",
                .object([
                    ("responseModalities", .array([.string("TEXT"), .string("IMAGE")])),
                    ("imageConfig", .object(imageConfig)),
                    // The stage's seed (an int32 in the API): the same kit is asked the same way again,
                    // and a regenerate (a new seed) is a different request.
                    ("seed", .integer(request.seed31)),
                ])
            ),
        ])
    }

    /// The allowed aspect ratio nearest to width / height (compared on a log scale, so 2:1 and 1:2 are equally far from 1:1).
    static func aspectRatio(width: Int, height: Int) -> String {
        guard width > 0, height > 0 else { return "1:1" }
        let wanted = log(Double(width) / Double(height))
        return aspectRatios.min { abs(log($0.ratio) - wanted) < abs(log($1.ratio) - wanted) }!.name
    }

    /// A response as an image or the error it reports.
    func interpret(_ response: HTTPResponse, model: String) throws(ProviderError) -> GeneratedImage {
        guard (200...299).contains(response.status) else { throw statusError(response) }
        let json = try ProviderHTTP.parseJSON(response.body, provider: name)
        guard case .object = json else { throw ProviderError.badResponse(provider: name, "is not a JSON object") }

        let candidates = json["candidates"]?.arrayValue ?? []
        guard let candidate = candidates.first else {
            throw Self.promptBlock(json, provider: name) ?? ProviderError.badResponse(provider: name, "has no candidates")
        }
        let parts = candidate[path: "content", "parts"]?.arrayValue ?? []
        // Thought parts (3.x models) may carry draft images: prefer the final ones.
        let imageParts = parts.compactMap { part -> (data: String, thought: Bool)? in
            guard let inline = part["inlineData"] ?? part["inline_data"], let data = inline["data"]?.stringValue else { return nil }
            return (data, part["thought"] == .bool(true))
        }
        if let chosen = imageParts.last(where: { !$0.thought }) ?? imageParts.last {
            guard let bytes = Base64.decode(chosen.data) else {
                throw ProviderError(code: .invalidImage, message: "\(name)'s image data is not valid base64", retryable: false)
            }
            return try ProviderHTTP.validatedImage(bytes, provider: name, model: model, costUSD: settings.pricePerImageUSD)
        }

        let finish = candidate["finishReason"]?.stringValue ?? "none"
        let finishMessage = candidate["finishMessage"]?.stringValue
        if Self.safetyFinishReasons.contains(finish) {
            throw ProviderError(
                code: .safetyBlock, message: "\(name) blocked the image (\(finish))",
                detail: finishMessage ?? "finishReason \(finish)",
                retryable: false)
        }
        let text = parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
        var said = finishMessage ?? ""
        if !text.isEmpty { said += (said.isEmpty ? "" : "; ") + "model said: " + String(text.prefix(300)) }
        throw ProviderError.noImage(provider: name, reason: "finishReason \(finish)" + (said.isEmpty ? "" : "; \(said)"))
    }

    /// `promptFeedback.blockReason` (the prompt, images included, was refused: 200 without
    /// candidates) as a final safety block; nil when the answer says nothing of a block.
    static func promptBlock(_ json: JSONValue, provider name: String) -> ProviderError? {
        guard let reason = json[path: "promptFeedback", "blockReason"]?.stringValue else { return nil }
        let message = json[path: "promptFeedback", "blockReasonMessage"]?.stringValue
        return ProviderError(
            code: .safetyBlock, message: "\(name) blocked the prompt (\(reason))",
            detail: message ?? "promptFeedback.blockReason \(reason)", retryable: false)
    }

    /// An error answer: `{"error":{"code","message","status","details":[…]}}`.
    func statusError(_ response: HTTPResponse) -> ProviderError { Self.statusError(response, provider: name) }

    /// `statusError` for any client of the Gemini API (the image provider, the vision judge).
    static func statusError(_ response: HTTPResponse, provider name: String) -> ProviderError {
        let json = try? JSONValue.parse(response.body)
        let error = json?["error"]
        let message = error?["message"]?.stringValue ?? LogRedaction.quote(response.body)
        let status = error?["status"]?.stringValue ?? ""
        let details = error?["details"]?.arrayValue ?? []
        let reasons = details.compactMap { $0["reason"]?.stringValue }
        let providerCode = ([status] + reasons).filter { !$0.isEmpty }.joined(separator: ", ")

        if reasons.contains("API_KEY_INVALID") || (response.status == 400 && message.lowercased().contains("api key not valid")) {
            return ProviderError(
                code: .authFailed, message: "\(name) refused the API key: \(message)",
                detail: "HTTP \(response.status), \(providerCode)",
                retryable: false)
        }
        if response.status == 429 {
            let quotaIDs = details.flatMap { $0["violations"]?.arrayValue ?? [] }.compactMap { $0["quotaId"]?.stringValue }
            if quotaIDs.contains(where: { $0.contains("PerDay") }) {
                return ProviderError(
                    code: .quotaExhausted, message: "\(name)'s daily quota is used up: \(message)",
                    detail: "HTTP 429, \(quotaIDs.joined(separator: ", "))", retryable: false)
            }
            let delay = details.compactMap { $0["retryDelay"]?.stringValue }.compactMap(Self.parseProtobufDuration).first
            return ProviderError.httpStatus(
                429, provider: name, providerMessage: message, providerCode: providerCode,
                retryAfter: delay ?? RetryAfter.of(response))
        }
        return ProviderError.httpStatus(
            response.status, provider: name, providerMessage: message, providerCode: providerCode, retryAfter: RetryAfter.of(response))
    }

    /// A `google.protobuf.Duration` in JSON form: `"34s"`, `"1.5s"`, `"0.250s"`.
    static func parseProtobufDuration(_ text: String) -> Duration? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64((min(seconds, 86_400 * 7) * 1000).rounded(.up)))
    }
}
