import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// Replicate predictions: `POST /v1/models/{owner}/{name}/predictions` (an official model) or
/// `POST /v1/predictions` with a pinned `version`, with `Prefer: wait` so most predictions
/// finish inside the create call; an unfinished one is polled at its `urls.get`. The output
/// (a URL, or a list whose first URL is taken) is downloaded — never from a private address.
///
/// Settings: `model` (`owner/name`; an order's `model` overrides it), extra keys `version` (a
/// pinned version id; empty: the model's latest), `prompt_field` (default `prompt`),
/// `image_field` (one data URI: the locked reference, else the source; default `input_image`)
/// or `images_field` (a list of data URIs: source, locked reference, references), `target_field`
/// and `face_field` (face-swap models), `control_image_field` (control models); `inputs` (fixed
/// extra input fields). See `AppInput`.
///
/// Replicate-specific error codes on top of `ProviderError+HTTP`'s: a `failed` prediction whose error
/// names NSFW or safety is a final `provider_safety_block`, any other `failed` or `canceled`
/// one a final `provider_failed`; `aborted` (a deadline passed before it started, unbilled) is
/// a retryable `provider_failed`.
public struct ReplicateProvider: PolledProvider {
    public static let defaultBaseURL = "https://api.replicate.com/v1"
    /// Words in a failed prediction's error that mean a safety checker refused.
    static let safetyWords = ["nsfw", "safety", "sensitive", "flagged", "content policy", "content_policy"]

    public let name: String
    let settings: ProviderSettings
    let http: HTTPClient
    let logger: Logger
    let pollInterval: Duration
    let maxImageBytes: Int

    /// `pollInterval` paces polls of an unfinished prediction; `maxImageBytes` bounds the
    /// downloaded image.
    public init(
        settings: ProviderSettings, http: HTTPClient, logger: Logger = Logger(label: "refkit.providers.replicate"),
        pollInterval: Duration = .milliseconds(500), maxImageBytes: Int = ProviderHTTP.maxResponseBytes
    ) {
        self.name = settings.name
        self.settings = settings
        self.http = http
        self.logger = logger
        self.pollInterval = pollInterval
        self.maxImageBytes = maxImageBytes
    }

    public func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        try await logged(request) { key, metadata throws(ProviderError) in
            // Accept the API root with or without its version (`…/v1` as in the example config).
            let api = base.hasSuffix("/v1") ? base : base + "/v1"
            let job = self.job(key: key, authorization: "Bearer \(key)", base: api)
            let (url, json, model) = try creation(request, api: api)
            let body = Array(json.serialized.utf8)
            metadata["model"] = "\(model)"
            logger.debug("provider request", metadata: metadata.merging(["request.bytes": "\(body.count)"]) { $1 })
            let created = try success(try await job.call("POST", url, body: body, headers: [("prefer", preferWait)]))
            let prediction = try await finished(created, job: job, api: api)
            return try await image(from: prediction, job: job, model: model)
        }
    }

    /// `Prefer: wait` holds the create call up to 60 s; less when the timeout is shorter, so the
    /// answer (finished or not) comes back before the transfer times out.
    var preferWait: String {
        let seconds = min(60, max(1, settings.timeout.components.seconds - 5))
        return seconds == 60 ? "wait" : "wait=\(seconds)"
    }

    /// The create URL, body and the model name for the manifest.
    func creation(_ request: GenerationRequest, api: String) throws(ProviderError) -> (url: String, body: JSONValue, model: String) {
        let input = input(request)
        let model = request.model ?? settings.model
        if let version = settings.extra["version"], !version.isEmpty {
            return ("\(api)/predictions", .object([("version", .string(version)), ("input", input)]), model ?? version)
        }
        guard let model, PolledJob.isPathSafe(model), model.split(separator: "/").count == 2 else {
            throw ProviderError(
                code: .notConfigured,
                message: "\(name): model \"\(model ?? "")\" is not a Replicate model (owner/name) and no version is set",
                retryable: false)
        }
        return ("\(api)/models/\(model)/predictions", .object([("input", input)]), model)
    }

    /// The model's input (`AppInput`): the prompt, the images under the configured fields, a seed,
    /// the fixed inputs.
    func input(_ request: GenerationRequest) -> JSONValue {
        AppInput(settings: settings, defaultImageField: "input_image").json(request)
    }

    /// The prediction once it succeeded: as created when `Prefer: wait` sufficed, else polled
    /// at its `urls.get` until it reaches a terminal status.
    func finished(_ created: JSONValue, job: PolledJob, api: String) async throws(ProviderError) -> JSONValue {
        if let done = try terminal(created) { return done }
        let id = created["id"]?.stringValue
        guard let getURL = created[path: "urls", "get"]?.stringValue ?? id.map({ "\(api)/predictions/\($0)" }) else {
            throw ProviderError.badResponse(provider: name, "has an unfinished prediction without urls.get")
        }
        try job.checkSameHost(getURL, what: "urls.get")
        let cancelURL = created[path: "urls", "cancel"]?.stringValue ?? id.map { "\(api)/predictions/\($0)/cancel" }
        let cancel = cancelURL.flatMap { (try? job.checkSameHost($0, what: "urls.cancel")) == nil ? nil : (method: "POST", url: $0) }
        return try await job.poll(getURL, cancel: cancel, failure: failure) { (prediction: JSONValue) throws(ProviderError) -> JSONValue? in
            try terminal(prediction)
        }
    }

    /// The prediction when it succeeded, nil while it runs; a failure as its error.
    func terminal(_ prediction: JSONValue) throws(ProviderError) -> JSONValue? {
        guard let status = prediction["status"]?.stringValue else {
            throw ProviderError.badResponse(provider: name, "has no prediction status")
        }
        let error = Self.errorText(prediction["error"])
        switch status {
        case "succeeded": return prediction
        case "failed":
            let text = error ?? "the prediction failed"
            if Self.safetyWords.contains(where: text.lowercased().contains) {
                throw ProviderError(code: .safetyBlock, message: "\(name) refused the content: \(text)", retryable: false)
            }
            throw ProviderError(code: .failed, message: "\(name)'s prediction failed: \(text)", retryable: false)
        case "canceled":
            throw ProviderError(
                code: .failed, message: "\(name)'s prediction was canceled\(error.map { ": \($0)" } ?? "")", retryable: false)
        case "aborted":
            throw ProviderError(
                code: .failed, message: "\(name) aborted the prediction before it started\(error.map { ": \($0)" } ?? "")",
                retryable: true)
        default: return nil  // starting, processing, and states Replicate may add later
        }
    }

    /// The generated image from a succeeded prediction's `output`, downloaded and validated.
    func image(from prediction: JSONValue, job: PolledJob, model: String) async throws(ProviderError) -> GeneratedImage {
        guard let output = prediction["output"], let url = FalProvider.imageURL(in: output) else {
            throw ProviderError.noImage(provider: name, reason: "the prediction succeeded without an output URL")
        }
        let bytes = try await job.fetchImage(url)
        return try ProviderHTTP.validatedImage(bytes, provider: name, model: model, costUSD: settings.pricePerImageUSD)
    }

    /// A 2xx body as JSON, or the error the status and Replicate's body mean.
    func success(_ response: HTTPResponse) throws(ProviderError) -> JSONValue {
        guard (200..<300).contains(response.status) else { throw failure(response) }
        return try ProviderHTTP.parseJSON(response.body, provider: name)
    }

    /// An unsuccessful answer: `{"detail":"…"}` or problem details `{"title","detail","status"}`.
    /// A throttled 429 without `Retry-After` says when it resets (`resets in ~30s`).
    func failure(_ response: HTTPResponse) -> ProviderError {
        let json = try? JSONValue.parse(response.body)
        let detail = json.flatMap { Self.errorText($0["detail"]) }
        let title = json?["title"]?.stringValue
        var message = [title, detail].compactMap { $0 }.joined(separator: ": ")
        if json == nil, !response.body.isEmpty { message = LogRedaction.quote(response.body) }
        var retryAfter = RetryAfter.of(response)
        if retryAfter == nil, response.status == 429, let detail { retryAfter = Self.resetDelay(detail) }
        return ProviderError.httpStatus(response.status, provider: name, providerMessage: message, retryAfter: retryAfter)
    }

    /// `…resets in ~30s.` → 30 s.
    static func resetDelay(_ text: String) -> Duration? {
        guard let range = text.range(of: "resets in ~") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return Int64(digits).map { .seconds($0) }
    }

    static func errorText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .object?, .array?: value?.serialized
        default: nil
        }
    }
}
