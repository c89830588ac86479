import RefkitCore
import RefkitHTTP

/// The judge on Gemini's `generateContent` (providers.md §1): the request, and the reading of
/// its answer with `GeminiProvider`'s error mapping (statuses, `RetryInfo`, `API_KEY_INVALID`,
/// prompt blocks and safety finish reasons mean the same here as for images).
extension VisionJudge {
    func geminiJudge(system: String, user: String, images: [ReferenceImage]) async throws(ProviderError) -> JudgeReply {
        guard let apiKey, !apiKey.isEmpty else { throw ProviderError.missingKey(provider: name) }
        let model = try GeminiProvider.modelName(self.model, provider: name)
        let body = Self.geminiBody(system: system, user: user, images: images, model: model)
        let request = HTTPRequest(
            method: "POST", url: "\(baseURL)/v1beta/models/\(model):generateContent",
            headers: [("content-type", "application/json"), ("x-goog-api-key", apiKey)],
            body: Array(body.serialized.utf8), timeout: timeout, maxResponseBytes: Self.maxResponseBytes)
        let response: HTTPResponse
        do {
            response = try await http.send(request, policy: URLPolicy(forBaseURL: baseURL))
        } catch {
            throw ProviderError.transport(error, provider: name)
        }
        return try Self.geminiReply(response, model: model, provider: name)
    }

    /// The `generateContent` body: the rubric's system text as `system_instruction`, one user
    /// content of the images then the text (the text speaks of "the first image"), JSON out.
    static func geminiBody(system: String, user: String, images: [ReferenceImage], model: String) -> JSONValue {
        let imageParts = images.map { image in
            JSONValue.object([
                ("inline_data", .object([("mime_type", .string(image.mime)), ("data", .string(Base64.encode(image.bytes)))]))
            ])
        }
        var config: [(key: String, value: JSONValue)] = [
            ("responseMimeType", .string("application/json")),
            ("temperature", .integer(0)),
        ]
        if let thinking = thinkingConfig(for: model) { config.append(("thinkingConfig", thinking)) }
        return .object([
            ("system_instruction", .object([("parts", .array([.object([("text", .string(system))])]))])),
            (
                "contents",
                .array([.object([("role", .string("user")), ("parts", .array(imageParts + [.object([("text", .string(user))])]))])])
            ),
            ("generationConfig", .object(config)),
        ])
    }

    /// Thinking off where the model allows it: 2.5 Flash (and Flash-Lite) bill thinking tokens as
    /// output and think by default, which multiplies a one-object answer's cost (QA-research.md
    /// §3.2); 2.5 Pro refuses a zero budget and 3.x models take a thinking level instead, so
    /// they keep their default rather than fail every call.
    static func thinkingConfig(for model: String) -> JSONValue? {
        model.hasPrefix("gemini-2.5-flash") ? .object([("thinkingBudget", .integer(0))]) : nil
    }

    /// The answer's text (the non-thought text parts of the first candidate, joined), or the error it reports.
    static func geminiReply(_ response: HTTPResponse, model: String, provider: String) throws(ProviderError) -> JudgeReply {
        guard (200...299).contains(response.status) else { throw GeminiProvider.statusError(response, provider: provider) }
        let json = try ProviderHTTP.parseJSON(response.body, provider: provider)
        guard case .object = json else { throw ProviderError.badResponse(provider: provider, "is not a JSON object") }
        guard let candidate = json["candidates"]?.arrayValue?.first else {
            throw GeminiProvider.promptBlock(json, provider: provider) ?? ProviderError.badResponse(provider: provider, "has no candidates")
        }
        let finish = candidate["finishReason"]?.stringValue ?? ""
        if GeminiProvider.safetyFinishReasons.contains(finish) {
            throw ProviderError(
                code: .safetyBlock, message: "\(provider) blocked the answer (\(finish))",
                detail: candidate["finishMessage"]?.stringValue ?? "finishReason \(finish)", retryable: false)
        }
        let parts = candidate[path: "content", "parts"]?.arrayValue ?? []
        // Thought summaries (when a model sends them) are not the answer.
        let text = parts.filter { $0["thought"] != .bool(true) }.compactMap { $0["text"]?.stringValue }.joined()
        guard !text.allSatisfy(\.isWhitespace) else {
            var error = ProviderError.badResponse(provider: provider, "has no text")
            error.detail = "finishReason \(finish.isEmpty ? "none" : finish)"
            throw error
        }
        return JudgeReply(text: text, model: json["modelVersion"]?.stringValue ?? model, truncated: finish == "MAX_TOKENS")
    }
}
