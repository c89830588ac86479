import RefkitCore
import RefkitHTTP

/// What the vision judge wrote, untouched: the caller parses it strictly (`JudgeAnswer.parse`),
/// and a text that breaks the rubric is recorded as `judge_unavailable`, not repaired here.
public struct JudgeReply: Sendable, Equatable {
    /// The model's text as it came (prose, code fences and cut-off JSON included).
    public var text: String
    /// The model that answered, as the server names it (`model` / `modelVersion`, often a dated
    /// version), else the one asked for: the manifest records which model judged.
    public var model: String
    /// The server stopped at its output limit (`finish_reason: length`, `finishReason: MAX_TOKENS`):
    /// the text is cut off, which the record of an unparseable answer can say.
    public var truncated: Bool

    /// A reply from its parts.
    public init(text: String, model: String, truncated: Bool = false) {
        self.text = text
        self.model = model
        self.truncated = truncated
    }
}

/// The client of QA's vision judge: the locked reference and a candidate in one call with the
/// rubric's words, answered by one JSON object in the server's JSON mode (QA-research.md §3.3).
/// Two wire protocols, chosen by the constructor:
///
/// - `openAI`: OpenAI-compatible chat completions (`POST {base}/chat/completions`, images as
///   `data:` URLs, `response_format: json_object`, temperature 0), the exchange `Analyzer` uses;
///   for `[qa] judge = "analyzer"` and providers of kind `openai`.
/// - `gemini`: `POST {base}/v1beta/models/{model}:generateContent` with `x-goog-api-key`, the
///   rubric's system text as `system_instruction`, the images as `inline_data` parts followed by
///   the user text, `responseMimeType: application/json`, temperature 0; for providers of kind `gemini`.
///
/// Errors are `ProviderError`s with the codes the analyzer and the image providers use: 429
/// (`provider_rate_limited`) and 5xx (`provider_unavailable`) retryable with their
/// `Retry-After` (Gemini: `RetryInfo.retryDelay`); 401/403 or Gemini's `API_KEY_INVALID`
/// `provider_auth_failed`; a refusal, a content filter, Gemini's `promptFeedback.blockReason`
/// or a `SAFETY`-like `finishReason` `provider_safety_block`; a body that is not the protocol's
/// answer or an answer without text `provider_bad_response`; no answer within `timeout`
/// `provider_timeout`; no key `provider_not_configured` (no request is sent). Answers are capped
/// at 4 MiB. The API key never appears in an error.
///
/// The judge does not take the scheduler's request gate (`RequestGating`): that gate bounds the
/// image provider's concurrency, and a judge call must not hold or wait for an image slot.
public struct VisionJudge: Sendable {
    /// How the judge's server is spoken to.
    public enum WireProtocol: String, Sendable {
        /// OpenAI-compatible `/chat/completions`.
        case openAI = "openai"
        /// Gemini's `generateContent`.
        case gemini
    }

    /// A judge's answer is text: 4 MiB is far more than any, and bounds a broken server.
    public static let maxResponseBytes = ChatCompletion.maxResponseBytes
    /// The models QA-research.md §3.2 priced for the judge (about $0.0007–0.0017 a call with two
    /// images), for a `[qa] judge` that names no `judge_model`.
    public static let defaultOpenAIModel = "gpt-4.1-mini"
    /// The Gemini model of the same research (thinking off, JSON out).
    public static let defaultGeminiModel = "gemini-2.5-flash"

    /// Which of the two protocols this judge speaks.
    public let wireProtocol: WireProtocol
    /// Names the judge in errors and logs (the `[qa] judge` value: "analyzer" or a provider name).
    public let name: String
    /// The server's base URL, without a trailing slash.
    public let baseURL: String
    /// The model asked (the reply names the one that answered).
    public let model: String
    let apiKey: String?
    let http: HTTPClient
    let timeout: Duration

    private init(
        wireProtocol: WireProtocol, name: String, baseURL: String, model: String, apiKey: String?, http: HTTPClient, timeout: Duration
    ) {
        self.wireProtocol = wireProtocol
        self.name = name
        self.baseURL = ProviderHTTP.trimmedBase(baseURL)
        self.model = model
        self.apiKey = apiKey
        self.http = http
        self.timeout = timeout
    }

    /// A judge on an OpenAI-compatible chat server: `baseURL` up to and including the version
    /// (`https://api.openai.com/v1`, the `[analyzer]`'s `base_url`), `model` a vision model
    /// (`gpt-4.1-mini`), `timeout` from `[qa] judge_timeout_s`.
    public static func openAI(
        name: String = "judge", baseURL: String, model: String, apiKey: String?, http: HTTPClient, timeout: Duration = .seconds(60)
    ) -> VisionJudge {
        VisionJudge(wireProtocol: .openAI, name: name, baseURL: baseURL, model: model, apiKey: apiKey, http: http, timeout: timeout)
    }

    /// A judge on Google's Gemini API: `baseURL` without the version
    /// (`https://generativelanguage.googleapis.com`, a provider's `base_url`), `model` a text
    /// model (`gemini-2.5-flash`; `models/NAME` is accepted), `timeout` from `[qa] judge_timeout_s`.
    public static func gemini(
        name: String = "judge", baseURL: String, model: String, apiKey: String?, http: HTTPClient, timeout: Duration = .seconds(60)
    ) -> VisionJudge {
        VisionJudge(wireProtocol: .gemini, name: name, baseURL: baseURL, model: model, apiKey: apiKey, http: http, timeout: timeout)
    }

    /// Asks the judge about `candidate` against `reference`: `system` and `user` are the
    /// rubric's words (`JudgeRubric.system`, `JudgeRubric.userText(for:candidateFirst:)`); the
    /// images go in the order that text names, the reference first unless `candidateFirst`.
    public func judge(
        reference: ReferenceImage, candidate: ReferenceImage, system: String, user: String, candidateFirst: Bool = false
    ) async throws(ProviderError) -> JudgeReply {
        let images = Self.imageOrder(reference: reference, candidate: candidate, candidateFirst: candidateFirst)
        do throws(ProviderError) {
            switch wireProtocol {
            case .openAI:
                let completion = ChatCompletion(
                    provider: name, baseURL: baseURL, model: model, apiKey: apiKey, http: http, timeout: timeout)
                // Temperature 0: the same images should get the same verdict (QA-research.md §3.3).
                let answer = try await completion.send(
                    system: system, text: user, images: images, textPlacement: .afterImages, temperature: 0)
                return JudgeReply(text: answer.content, model: answer.model ?? model, truncated: answer.finishReason == "length")
            case .gemini:
                return try await geminiJudge(system: system, user: user, images: images)
            }
        } catch {
            throw error.redacted(secret: apiKey)
        }
    }

    /// The images in the order the rubric's text describes them.
    static func imageOrder(reference: ReferenceImage, candidate: ReferenceImage, candidateFirst: Bool) -> [ReferenceImage] {
        candidateFirst ? [candidate, reference] : [reference, candidate]
    }
}
