import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// fal.ai: the queue API (submit, poll the status URL the submit answer names, fetch the output
/// from its response URL) or, with `mode = "sync"`, the blocking API (`https://fal.run`). The
/// input field names come from the configuration, so edit apps (`image_url`, `image_urls`),
/// depth-ControlNet apps (`control_image_url`) and face-swap apps (a single `image` output) all
/// fit. The generated image is downloaded from the URL fal hands back — never from a private
/// address — or decoded from a data URI (`sync_mode`).
///
/// Settings (`[providers.NAME]` extra keys): `app_id` (the fal application, e.g.
/// `fal-ai/flux-pro/kontext`), `prompt_field` (default `prompt`), `images_field` (a list of
/// data URIs: source, locked reference, references) or `image_field` (one data URI: the locked
/// reference, else the source; default `image_url`), `output_field` (default `images`, then
/// `image`; a dotted path is allowed), `mode` (`queue` or `sync`); `target_field` and
/// `face_field` (face-swap apps, e.g. `base_image_url` and `swap_image_url`),
/// `control_image_field` (depth-ControlNet apps, e.g. `control_image_url`); `inputs` (fixed
/// extra input fields). See `AppInput`.
///
/// fal-specific error codes on top of `ProviderError+HTTP`'s: a 422 whose `detail` has
/// `type: content_policy_violation`, or an output with `has_nsfw_concepts: [true]`, is a final
/// `provider_safety_block`; a FAILED request is a final `provider_failed`.
public struct FalProvider: PolledProvider {
    public static let defaultBaseURL = "https://queue.fal.run"

    public let name: String
    let settings: ProviderSettings
    let http: HTTPClient
    let logger: Logger
    let pollInterval: Duration
    let maxImageBytes: Int

    /// `pollInterval` paces status polls (fal's own SDK polls every 500 ms); `maxImageBytes`
    /// bounds the downloaded image.
    public init(
        settings: ProviderSettings, http: HTTPClient, logger: Logger = Logger(label: "refkit.providers.fal"),
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
            let app = try appID(request)
            metadata["model"] = "\(app)"
            let job = self.job(key: key, authorization: "Key \(key)", base: base)
            let body = Array(input(request).serialized.utf8)
            logger.debug("provider request", metadata: metadata.merging(["request.bytes": "\(body.count)"]) { $1 })
            let output: JSONValue
            if settings.extra["mode"]?.lowercased() == "sync" {
                output = try success(try await job.call("POST", "\(base)/\(app)", body: body))
            } else {
                output = try await queued(job, app: app, body: body)
            }
            return try await image(from: output, job: job, model: request.model ?? settings.model ?? app)
        }
    }

    /// The application to call: an order's `model` when it names one (`owner/alias[/path]`),
    /// else `app_id`, else the configured model. It goes into the URL path, so it is checked.
    func appID(_ request: GenerationRequest) throws(ProviderError) -> String {
        let chosen =
            request.model.flatMap { $0.contains("/") ? $0 : nil } ?? settings.extra["app_id"].flatMap { $0.isEmpty ? nil : $0 }
            ?? settings.model
        guard let app = chosen, PolledJob.isPathSafe(app), app.split(separator: "/").count >= 2 else {
            throw ProviderError(
                code: .notConfigured,
                message: "\(name): app_id \"\(chosen ?? "")\" is not a fal application id (owner/alias[/path])",
                retryable: false)
        }
        return app
    }

    /// The app's input (`AppInput`): the prompt, the images under the configured fields, a seed,
    /// the fixed inputs.
    func input(_ request: GenerationRequest) -> JSONValue {
        AppInput(settings: settings, defaultImageField: "image_url").json(request)
    }

    /// Submits, polls the returned status URL until COMPLETED, then fetches the returned
    /// response URL. The returned URLs are used as given: an app path with a subpath
    /// (`fal-ai/flux-pro/kontext`) is polled without it (`fal-ai/flux-pro/requests/…`).
    func queued(_ job: PolledJob, app: String, body: [UInt8]) async throws(ProviderError) -> JSONValue {
        let submitted = try success(try await job.call("POST", "\(job.base)/\(app)", body: body))
        let requestID = submitted["request_id"]?.stringValue
        // fal-js rebuilds the URLs from owner/alias when a reply lacks them; do the same.
        let ownerAlias = app.split(separator: "/").prefix(2).joined(separator: "/")
        let fallback = requestID.map { "\(job.base)/\(ownerAlias)/requests/\($0)" }
        guard let responseURL = submitted["response_url"]?.stringValue ?? fallback,
            let statusURL = submitted["status_url"]?.stringValue ?? fallback.map({ $0 + "/status" })
        else { throw ProviderError.badResponse(provider: name, "to the submit has no request_id or status_url") }
        // The key goes with these requests: only to fal's own host.
        try job.checkSameHost(statusURL, what: "status_url")
        try job.checkSameHost(responseURL, what: "response_url")
        let cancelURL = submitted["cancel_url"]?.stringValue ?? fallback.map { $0 + "/cancel" }
        let cancel = cancelURL.flatMap { (try? job.checkSameHost($0, what: "cancel_url")) == nil ? nil : (method: "PUT", url: $0) }

        try await job.poll(statusURL, cancel: cancel, failure: failure) { (status: JSONValue) throws(ProviderError) -> Void? in
            switch status["status"]?.stringValue?.uppercased() {
            case "COMPLETED":
                if let error = Self.errorText(status) { throw requestFailed(error, type: status["error_type"]?.stringValue) }
                return ()
            case "FAILED", "ERROR":
                throw requestFailed(Self.errorText(status) ?? "the request failed", type: status["error_type"]?.stringValue)
            case "CANCELLED", "CANCELED":
                throw ProviderError(code: .failed, message: "\(name) cancelled the request", retryable: false)
            case nil:
                throw ProviderError.badResponse(provider: name, "to a status poll has no status")
            default:
                return nil  // IN_QUEUE, IN_PROGRESS and states fal may add later
            }
        }
        return try success(try await job.call("GET", responseURL))
    }

    /// The generated image from fal's output JSON, downloaded or decoded, then validated.
    func image(from output: JSONValue, job: PolledJob, model: String) async throws(ProviderError) -> GeneratedImage {
        if case .array(let flags)? = output["has_nsfw_concepts"], flags.contains(.bool(true)) {
            throw ProviderError(
                code: .safetyBlock, message: "\(name)'s safety checker flagged the image", detail: "has_nsfw_concepts",
                retryable: false)
        }
        let fields = settings.extra["output_field"].flatMap { $0.isEmpty ? nil : [$0] } ?? ["images", "image"]
        var found: String?
        for field in fields {
            var value: JSONValue? = output
            for key in field.split(separator: ".") { value = value?[String(key)] }
            if let value, let url = Self.imageURL(in: value) {
                found = url
                break
            }
        }
        guard let url = found else {
            throw ProviderError.noImage(provider: name, reason: "the output has no \(fields.joined(separator: " or ")) with a url")
        }
        let bytes = try await job.fetchImage(url)
        return try ProviderHTTP.validatedImage(bytes, provider: name, model: model, costUSD: settings.pricePerImageUSD)
    }

    /// `"url"`, `{"url": …}`, or the first of a list of either.
    static func imageURL(in value: JSONValue) -> String? {
        switch value {
        case .string(let url): url
        case .object: value["url"]?.stringValue
        case .array(let items): items.first.flatMap(imageURL(in:))
        default: nil
        }
    }

    /// A 2xx body as JSON, or the error the status and fal's body mean.
    func success(_ response: HTTPResponse) throws(ProviderError) -> JSONValue {
        guard (200..<300).contains(response.status) else { throw failure(response) }
        return try ProviderHTTP.parseJSON(response.body, provider: name)
    }

    /// An unsuccessful answer: `{"detail":[{loc,msg,type}]}` (validation, 422), `{"detail":"…"}`,
    /// `{"detail":…,"error_type":…}` (infrastructure, with `X-Fal-Error-Type`).
    func failure(_ response: HTTPResponse) -> ProviderError {
        let json = try? JSONValue.parse(response.body)
        var messages: [String] = []
        var types: [String] = []
        switch json?["detail"] {
        case .string(let text)?: messages.append(text)
        case .array(let items)?:
            for item in items {
                let location =
                    item["loc"]?.arrayValue?.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }.filter { $0 != "body" } ?? []
                if let msg = item["msg"]?.stringValue {
                    messages.append(location.isEmpty ? msg : "\(location.joined(separator: ".")): \(msg)")
                }
                if let type = item["type"]?.stringValue { types.append(type) }
            }
        default:
            if json == nil, !response.body.isEmpty { messages.append(LogRedaction.quote(response.body)) }
        }
        let errorType = json?["error_type"]?.stringValue ?? response.header("x-fal-error-type") ?? types.first ?? ""
        if types.contains("content_policy_violation") || errorType == "content_policy_violation" {
            return ProviderError(
                code: .safetyBlock, message: "\(name) refused the content: \(messages.joined(separator: "; "))",
                detail: "HTTP \(response.status), content_policy_violation", retryable: false)
        }
        var error = ProviderError.httpStatus(
            response.status, provider: name, providerMessage: messages.joined(separator: "; "), providerCode: errorType,
            retryAfter: RetryAfter.of(response))
        // fal says when trying again cannot help (X-Fal-Retryable: false).
        if response.header("x-fal-retryable")?.lowercased() == "false" {
            error.retryable = false
            error.retryAfter = nil
        }
        return error
    }

    /// A request fal reports as failed; its safety refusals are blocks, not failures.
    func requestFailed(_ message: String, type: String?) -> ProviderError {
        if type == "content_policy_violation" || message.lowercased().contains("content_policy_violation") {
            return ProviderError(code: .safetyBlock, message: "\(name) refused the content: \(message)", retryable: false)
        }
        return ProviderError(
            code: .failed, message: "\(name) failed the request: \(message)", detail: type ?? "", retryable: false)
    }

    static func errorText(_ json: JSONValue) -> String? {
        for key in ["error", "detail"] {
            switch json[key] {
            case .string(let text)? where !text.isEmpty: return text
            case .object?, .array?: return json[key]?.serialized
            default: continue
            }
        }
        return nil
    }
}
