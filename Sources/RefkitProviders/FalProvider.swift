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
/// `image`; a dotted path is allowed), `mode` (`queue` or `sync`).
///
/// fal-specific error codes on top of `ProviderHTTP`'s: a 422 whose `detail` has
/// `type: content_policy_violation`, or an output with `has_nsfw_concepts: [true]`, is a final
/// `provider_safety_block`; a FAILED request is a final `provider_failed`.
public struct FalProvider: ImageProvider {
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
        try await PolledJob.logged(request, provider: name, settings: settings, logger: logger) { key, metadata throws(ProviderError) in
            let app = try appID(request)
            metadata["model"] = "\(app)"
            let base = ProviderHTTP.trimmedBase(settings.baseURL.isEmpty ? Self.defaultBaseURL : settings.baseURL)
            let job = PolledJob(
                provider: name, http: http, secret: key, authorization: "Key \(key)", base: base, timeout: settings.timeout,
                pollInterval: pollInterval, maxImageBytes: maxImageBytes)
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
        let chosen = request.model.flatMap { $0.contains("/") ? $0 : nil } ?? settings.extra["app_id"].flatMap { $0.isEmpty ? nil : $0 } ?? settings.model
        guard let app = chosen, PolledJob.isPathSafe(app), app.split(separator: "/").count >= 2 else {
            throw ProviderError(
                code: "provider_not_configured", message: "\(name): app_id \"\(chosen ?? "")\" is not a fal application id (owner/alias[/path])",
                retryable: false)
        }
        return app
    }

    /// The app's input: the prompt, the images as data URIs under the configured field, a seed.
    func input(_ request: GenerationRequest) -> JSONValue {
        func field(_ key: String) -> String? { settings.extra[key].flatMap { $0.isEmpty ? nil : $0 } }
        var members: [(key: String, value: JSONValue)] = [(field("prompt_field") ?? "prompt", .string(request.prompt))]
        if let list = field("images_field") {
            let images = [request.source, request.lockedReference].compactMap { $0 } + request.references
            if !images.isEmpty { members.append((list, .array(images.map { .string(PolledJob.dataURI($0)) }))) }
        } else if let one = request.lockedReference ?? request.source ?? request.references.first {
            members.append((field("image_field") ?? "image_url", .string(PolledJob.dataURI(one))))
        }
        members.append(("seed", .integer(request.seed31)))  // 32-bit seeds
        return .object(members)
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
        else { throw ProviderHTTP.badResponse(provider: name, "to the submit has no request_id or status_url") }
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
                throw ProviderError(code: "provider_failed", message: "\(name) cancelled the request", retryable: false)
            case nil:
                throw ProviderHTTP.badResponse(provider: name, "to a status poll has no status")
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
                code: "provider_safety_block", message: "\(name)'s safety checker flagged the image", detail: "has_nsfw_concepts", retryable: false)
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
        guard let url = found else { throw ProviderHTTP.noImage(provider: name, reason: "the output has no \(fields.joined(separator: " or ")) with a url") }
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
                let location = item["loc"]?.arrayValue?.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }.filter { $0 != "body" } ?? []
                if let msg = item["msg"]?.stringValue { messages.append(location.isEmpty ? msg : "\(location.joined(separator: ".")): \(msg)") }
                if let type = item["type"]?.stringValue { types.append(type) }
            }
        default:
            if json == nil, !response.body.isEmpty { messages.append(ProviderHTTP.quote(response.body)) }
        }
        let errorType = json?["error_type"]?.stringValue ?? response.header("x-fal-error-type") ?? types.first ?? ""
        if types.contains("content_policy_violation") || errorType == "content_policy_violation" {
            return ProviderError(
                code: "provider_safety_block", message: "\(name) refused the content: \(messages.joined(separator: "; "))",
                detail: "HTTP \(response.status), content_policy_violation", retryable: false)
        }
        var error = ProviderHTTP.statusError(
            status: response.status, provider: name, providerMessage: messages.joined(separator: "; "), providerCode: errorType,
            retryAfter: ProviderHTTP.retryAfter(response))
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
            return ProviderError(code: "provider_safety_block", message: "\(name) refused the content: \(message)", retryable: false)
        }
        return ProviderError(code: "provider_failed", message: "\(name) failed the request: \(message)", detail: type ?? "", retryable: false)
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

// MARK: - Shared with ReplicateProvider

/// One provider job that may take several authenticated calls — submit, poll, fetch — and
/// ends with an image the provider hosts at a URL it hands back (fal, Replicate).
struct PolledJob: Sendable {
    /// One `generate` of a polled provider with the logging and key handling both share:
    /// a missing key fails before any call; `body` gets the key and the log metadata (to add
    /// the model to); success logs the duration, failure is logged and rethrown with the key
    /// redacted from its message.
    static func logged(
        _ request: GenerationRequest, provider name: String, settings: ProviderSettings, logger: Logger,
        _ body: (_ key: String, _ metadata: inout Logger.Metadata) async throws(ProviderError) -> GeneratedImage
    ) async throws(ProviderError) -> GeneratedImage {
        guard let key = settings.apiKey, !key.isEmpty else { throw ProviderHTTP.missingKey(provider: name) }
        var metadata: Logger.Metadata = ["provider": "\(name)", "kit.id": "\(request.kitID)", "stage": "\(request.stage.name)"]
        let started = ContinuousClock.now
        do throws(ProviderError) {
            let image = try await body(key, &metadata)
            logger.debug("provider image", metadata: metadata.merging(["duration_ms": "\(ProviderHTTP.milliseconds(.now - started))"]) { $1 })
            return image
        } catch {
            let error = ProviderHTTP.redact(error, secret: key)
            logger.warning("provider failed", metadata: metadata.merging(["error.code": "\(error.code)", "retryable": "\(error.retryable)"]) { $1 })
            throw error
        }
    }

    /// Consecutive retryable poll failures tolerated before giving up: a failed stage is
    /// submitted again (and paid again), a failed poll only asked again.
    static let tolerablePollFailures = 3

    let provider: String
    let http: HTTPClient
    let secret: String
    let authorization: String
    let base: String
    let baseHost: String
    let policy: URLPolicy
    let timeout: Duration
    let pollInterval: Duration
    let maxImageBytes: Int
    let deadline: ContinuousClock.Instant

    init(
        provider: String, http: HTTPClient, secret: String, authorization: String, base: String, timeout: Duration, pollInterval: Duration,
        maxImageBytes: Int
    ) {
        self.provider = provider
        self.http = http
        self.secret = secret
        self.authorization = authorization
        self.base = base
        self.baseHost = Self.host(of: base) ?? ""
        self.policy = ProviderHTTP.policy(for: base)
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.maxImageBytes = maxImageBytes
        self.deadline = .now + timeout
    }

    /// An authenticated JSON call to the provider's API.
    func call(_ method: String, _ url: String, body: [UInt8] = [], headers: [(name: String, value: String)] = []) async throws(ProviderError) -> HTTPResponse {
        var all: [(name: String, value: String)] = [("authorization", authorization), ("accept", "application/json")]
        if !body.isEmpty { all.append(("content-type", "application/json")) }
        all += headers
        let request = HTTPRequest(method: method, url: url, headers: all, body: body, timeout: timeout, maxResponseBytes: ProviderHTTP.maxResponseBytes)
        return try await ProviderHTTP.send(request, via: http, provider: provider, secret: secret, policy: policy)
    }

    /// Refuses a URL from an answer that would take the key to another host.
    func checkSameHost(_ url: String, what: String) throws(ProviderError) {
        let scheme = url.lowercased().hasPrefix("https://") ? "https" : url.lowercased().hasPrefix("http://") ? "http" : ""
        guard !scheme.isEmpty, base.lowercased().hasPrefix(scheme + "://"), Self.host(of: url) == baseHost else {
            throw ProviderError(
                code: "provider_bad_response", message: "\(provider)'s \(what) points away from \(baseHost)",
                detail: "host \(Self.host(of: url) ?? "?")", retryable: false)
        }
    }

    /// Polls `url` every `pollInterval` until `step` says the job is done (non-nil) or throws.
    /// Retryable failures of a poll are tolerated a few times in a row. On cancellation or when
    /// the settings' timeout passes, the job is cancelled at the provider in the background.
    func poll<Done>(
        _ url: String, cancel: (method: String, url: String)?, failure: (HTTPResponse) -> ProviderError,
        _ step: (JSONValue) throws(ProviderError) -> Done?
    ) async throws(ProviderError) -> Done {
        var strikes = 0
        do throws(ProviderError) {
            while true {
                try await pause(pollInterval)
                guard ContinuousClock.now < deadline else {
                    throw ProviderError(code: "provider_timeout", message: "\(provider) did not finish in time", detail: "timeout \(timeout)", retryable: true)
                }
                let json: JSONValue
                do throws(ProviderError) {
                    let response = try await call("GET", url)
                    guard (200..<300).contains(response.status) else { throw failure(response) }
                    json = try ProviderHTTP.parseJSON(response.body, provider: provider)
                } catch where error.retryable && error.code != "provider_cancelled" && strikes < Self.tolerablePollFailures {
                    strikes += 1
                    if let after = error.retryAfter, after > pollInterval { try await pause(min(after, .seconds(30)) - pollInterval) }
                    continue
                }
                strikes = 0
                if let done = try step(json) { return done }
            }
        } catch {
            if let cancel, error.code == "provider_cancelled" || error.code == "provider_timeout" { cancelInBackground(cancel) }
            throw error
        }
    }

    /// Waits between polls; cancellation ends the wait at once.
    func pause(_ duration: Duration) async throws(ProviderError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw ProviderError(code: "provider_cancelled", message: "the request to \(provider) was cancelled", retryable: true)
        }
    }

    /// Asks the provider to stop a job nobody waits for any more (best effort: the answer and
    /// any failure are ignored; the caller does not wait).
    func cancelInBackground(_ cancel: (method: String, url: String)) {
        let request = HTTPRequest(
            method: cancel.method, url: cancel.url, headers: [("authorization", authorization), ("accept", "application/json")],
            timeout: .seconds(10), maxResponseBytes: 1 << 20)
        let http = http
        let policy = policy
        Task.detached { _ = try? await http.send(request, policy: policy) }
    }

    /// The bytes behind an output URL: a data URI is decoded; an http(s) URL is fetched without
    /// the key, and refused when it names (or resolves to) a private address other than the
    /// provider's own host, so a provider cannot make refkit fetch internal services.
    func fetchImage(_ url: String) async throws(ProviderError) -> [UInt8] {
        if url.hasPrefix("data:") {
            guard let bytes = Self.decodeDataURI(url) else {
                throw ProviderError(
                    code: "provider_invalid_image", message: "\(provider) answered with a data URI that does not decode", retryable: false)
            }
            return bytes
        }
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), let host = Self.host(of: url) else {
            throw ProviderError(
                code: "provider_url_refused", message: "\(provider)'s image URL is not an http(s) URL",
                detail: String(url.prefix { $0 != ":" }.prefix(16)), retryable: false)
        }
        if host != baseHost, Self.isPrivateLiteral(host) {
            throw ProviderError(
                code: "provider_url_refused", message: "\(provider)'s image URL points at a private address", detail: "host \(host)", retryable: false)
        }
        let request = HTTPRequest(url: url, headers: [("accept", "image/*")], timeout: timeout, maxResponseBytes: maxImageBytes)
        let download = URLPolicy(plainHTTPHosts: policy.plainHTTPHosts, refusePrivateAddresses: true, trustedHosts: [baseHost])
        let response = try await ProviderHTTP.send(request, via: http, provider: provider, secret: secret, policy: download)
        guard (200..<300).contains(response.status) else {
            let error = ProviderHTTP.statusError(
                status: response.status, provider: provider, providerMessage: "the image download failed", retryAfter: ProviderHTTP.retryAfter(response))
            if error.retryable { throw error }
            throw ProviderHTTP.noImage(provider: provider, reason: "the image URL answered HTTP \(response.status)")
        }
        return response.body
    }

    static func dataURI(_ image: ReferenceImage) -> String {
        "data:\(image.mime);base64,\(ProviderHTTP.base64Encode(image.bytes))"
    }

    /// The bytes of a base64 data URI (`data:image/png;base64,…`).
    static func decodeDataURI(_ uri: String) -> [UInt8]? {
        guard uri.hasPrefix("data:"), let comma = uri.firstIndex(of: ",") else { return nil }
        guard uri[..<comma].lowercased().hasSuffix(";base64") else { return nil }
        return ProviderHTTP.base64Decode(String(uri[uri.index(after: comma)...]))
    }

    /// The lowercased host of an absolute URL (IPv6 without brackets).
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = String(authority.split(separator: "@", omittingEmptySubsequences: false).last ?? "")
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return host.isEmpty ? nil : host.lowercased()
    }

    /// Whether a host is written as a loopback, private, link-local, shared or unique-local
    /// address (names are checked by the HTTP client after resolution).
    static func isPrivateLiteral(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        if octets.count == 4, octets.allSatisfy({ $0 != nil }) {
            let (a, b) = (octets[0]!, octets[1]!)
            return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168)
                || (a == 100 && (64...127).contains(b))
        }
        if host.contains(":") {
            let h = host.lowercased()
            return h == "::1" || h == "::" || h.hasPrefix("fc") || h.hasPrefix("fd") || h.hasPrefix("fe8") || h.hasPrefix("fe9") || h.hasPrefix("fea")
                || h.hasPrefix("feb") || h.hasPrefix("::ffff:")
        }
        return false
    }

    /// Whether a model or app id may go into a URL path: `[A-Za-z0-9._-]` segments, no `..`.
    static func isPathSafe(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return !segments.isEmpty
            && segments.allSatisfy { segment in
                !segment.isEmpty && segment != "." && segment != ".."
                    && segment.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0)) }
            }
    }
}
