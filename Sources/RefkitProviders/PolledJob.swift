import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// One provider job that may take several authenticated calls — submit, poll, fetch — and
/// ends with an image the provider hosts at a URL it hands back (fal, Replicate).
struct PolledJob: Sendable {
    /// Consecutive retryable poll failures tolerated before giving up: a failed stage is
    /// submitted again (and paid again), a failed poll only asked again.
    static let tolerablePollFailures = 3

    let provider: String
    let http: HTTPClient
    let secret: String
    let authorization: String
    let base: String
    let baseHost: String
    let baseScheme: String
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
        let baseURL = try? TargetURL(base)
        self.baseHost = baseURL?.host ?? ""
        self.baseScheme = baseURL?.scheme ?? ""
        self.policy = URLPolicy(forBaseURL: base)
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.maxImageBytes = maxImageBytes
        self.deadline = .now + timeout
    }

    /// An authenticated JSON call to the provider's API.
    func call(
        _ method: String, _ url: String, body: [UInt8] = [], headers: [(name: String, value: String)] = []
    )
        async throws(ProviderError) -> HTTPResponse
    {
        var all: [(name: String, value: String)] = [("authorization", authorization), ("accept", "application/json")]
        if !body.isEmpty { all.append(("content-type", "application/json")) }
        all += headers
        let request = HTTPRequest(
            method: method, url: url, headers: all, body: body, timeout: timeout, maxResponseBytes: ProviderHTTP.maxResponseBytes)
        return try await ProviderHTTP.send(request, via: http, provider: provider, secret: secret, policy: policy)
    }

    /// Refuses a URL from an answer that would take the key to another host.
    func checkSameHost(_ url: String, what: String) throws(ProviderError) {
        let target = try? TargetURL(url)
        guard let target, target.scheme == baseScheme, target.host == baseHost else {
            throw ProviderError(
                code: .badResponse, message: "\(provider)'s \(what) points away from \(baseHost)",
                detail: "host \(target?.host ?? "?")", retryable: false)
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
                    throw ProviderError(
                        code: .timeout, message: "\(provider) did not finish in time", detail: "timeout \(timeout)",
                        retryable: true)
                }
                let json: JSONValue
                do throws(ProviderError) {
                    let response = try await call("GET", url)
                    guard (200..<300).contains(response.status) else { throw failure(response) }
                    json = try ProviderHTTP.parseJSON(response.body, provider: provider)
                } catch  where error.retryable && error.code != .cancelled && strikes < Self.tolerablePollFailures {
                    strikes += 1
                    if let after = error.retryAfter, after > pollInterval { try await pause(min(after, .seconds(30)) - pollInterval) }
                    continue
                }
                strikes = 0
                if let done = try step(json) { return done }
            }
        } catch {
            if let cancel, error.code == .cancelled || error.code == .timeout { cancelInBackground(cancel) }
            throw error
        }
    }

    /// Waits between polls; cancellation ends the wait at once.
    func pause(_ duration: Duration) async throws(ProviderError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw ProviderError(code: .cancelled, message: "the request to \(provider) was cancelled", retryable: true)
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
                    code: .invalidImage, message: "\(provider) answered with a data URI that does not decode", retryable: false)
            }
            return bytes
        }
        guard let host = Self.host(of: url) else {
            throw ProviderError(
                code: .urlRefused, message: "\(provider)'s image URL is not an http(s) URL",
                detail: String(url.prefix { $0 != ":" }.prefix(16)), retryable: false)
        }
        // Names are checked by the HTTP client after resolution; here what is written as a private address.
        let isPrivate = host == "localhost" || host.hasSuffix(".localhost") || AddressClass.parse(host)?.isRefusable == true
        if host != baseHost, isPrivate {
            throw ProviderError(
                code: .urlRefused, message: "\(provider)'s image URL points at a private address", detail: "host \(host)",
                retryable: false)
        }
        let request = HTTPRequest(url: url, headers: [("accept", "image/*")], timeout: timeout, maxResponseBytes: maxImageBytes)
        let download = URLPolicy(plainHTTPHosts: policy.plainHTTPHosts, refusePrivateAddresses: true, trustedHosts: [baseHost])
        let response = try await ProviderHTTP.send(request, via: http, provider: provider, secret: secret, policy: download)
        guard (200..<300).contains(response.status) else {
            let error = ProviderError.httpStatus(
                response.status, provider: provider, providerMessage: "the image download failed", retryAfter: RetryAfter.of(response))
            if error.retryable { throw error }
            throw ProviderError.noImage(provider: provider, reason: "the image URL answered HTTP \(response.status)")
        }
        return response.body
    }

    static func dataURI(_ image: ReferenceImage) -> String {
        "data:\(image.mime);base64,\(Base64.encode(image.bytes))"
    }

    /// The bytes of a base64 data URI (`data:image/png;base64,…`).
    static func decodeDataURI(_ uri: String) -> [UInt8]? {
        guard uri.hasPrefix("data:"), let comma = uri.firstIndex(of: ",") else { return nil }
        guard uri[..<comma].lowercased().hasSuffix(";base64") else { return nil }
        return Base64.decode(String(uri[uri.index(after: comma)...]))
    }

    /// The host of an absolute http(s) URL as curl reads it (lowercased, IPv6 without brackets);
    /// nil for anything else.
    static func host(of url: String) -> String? {
        (try? TargetURL(url))?.host
    }

    /// Whether a model or app id may go into a URL path: `[A-Za-z0-9._-]` segments, no `..`.
    static func isPathSafe(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return !segments.isEmpty
            && segments.allSatisfy { segment in
                !segment.isEmpty && segment != "." && segment != ".."
                    && segment.unicodeScalars.allSatisfy {
                        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0))
                    }
            }
    }
}
