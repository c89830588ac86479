import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// One page of `GET /api/v1/images`.
public struct CivitaiPage: Sendable {
    /// Items in the order the API gave them (items without an id or url are dropped).
    public var items: [CivitaiImage]
    /// The cursor of the next page; nil on the last page.
    public var nextCursor: String?
}

/// Civitai's images API over refkit's libcurl client: cursor paging, an optional token (sent
/// only to the API, never to the image CDN), 429/5xx retried after `Retry-After`, downloads
/// under the URL policy that refuses private addresses.
public struct CivitaiClient: Sendable {
    let http: HTTPClient
    let settings: CivitaiSettings
    let token: String?
    let logger: Logger
    /// The API's policy: plain http only when the base URL is http (a local server or a fake).
    let apiPolicy: URLPolicy
    /// Image URLs are handed to us by the API: they must not reach internal addresses; the
    /// API's own host is trusted (as providers trust theirs).
    let downloadPolicy: URLPolicy

    public init(http: HTTPClient, settings: CivitaiSettings, token: String?, logger: Logger) {
        self.http = http
        self.settings = settings
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.logger = logger
        apiPolicy = URLPolicy(forBaseURL: settings.baseURL)
        let baseHost = (try? TargetURL(settings.baseURL))?.host
        downloadPolicy = URLPolicy(
            plainHTTPHosts: apiPolicy.plainHTTPHosts, refusePrivateAddresses: true, trustedHosts: baseHost.map { [$0] } ?? [])
    }

    /// One page (the first when `cursor` is nil).
    public func page(cursor: String?) async throws(CivitaiError) -> CivitaiPage {
        var headers: [(name: String, value: String)] = [("accept", "application/json")]
        if let token { headers.append(("authorization", "Bearer \(token)")) }
        let request = HTTPRequest(
            url: settings.imagesURL(cursor: cursor), headers: headers, timeout: .seconds(settings.timeoutSeconds),
            maxResponseBytes: 16 << 20)
        let response = try await send(request, policy: apiPolicy, what: "the images API")
        guard (200..<300).contains(response.status) else {
            throw redacted(Self.statusError(response, what: "the images API"))
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(response.body)
        } catch {
            throw CivitaiError(
                .badResponse, "the images API answered with something that is not JSON", detail: LogRedaction.quote(response.body)
            )
        }
        guard case .array(let raw)? = json["items"] else {
            throw CivitaiError(
                .badResponse, "the images API's answer has no items list", detail: LogRedaction.quote(response.body))
        }
        return CivitaiPage(items: raw.compactMap(CivitaiImage.init(json:)), nextCursor: Self.nextCursor(json["metadata"]))
    }

    /// The bytes at an image URL (no token sent), at most `max_image_bytes`.
    public func download(_ url: String) async throws(CivitaiError) -> [UInt8] {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            throw CivitaiError(
                .urlRefused, "the image URL is not an http(s) URL", detail: String(url.prefix { $0 != ":" }.prefix(16)))
        }
        let request = HTTPRequest(
            url: url, headers: [("accept", "image/*")], timeout: .seconds(settings.timeoutSeconds), maxResponseBytes: settings.maxImageBytes
        )
        let response = try await send(request, policy: downloadPolicy, what: "the image download")
        guard (200..<300).contains(response.status) else {
            var error = Self.statusError(response, what: "the image download")
            if error.code == .badRequest || error.code == .authFailed { error.code = .downloadFailed }
            throw error
        }
        return response.body
    }

    /// Sends with retries: 429, 5xx and retryable transport failures wait (Retry-After, else
    /// 1, 2, 4 … s up to 30 s) and try again, at most `attempts` times in all.
    func send(_ request: HTTPRequest, policy: URLPolicy, what: String) async throws(CivitaiError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let failure: CivitaiError
            do {
                let response = try await http.send(request, policy: policy)
                guard response.status == 429 || (500...599).contains(response.status) else { return response }
                guard attempt < settings.attempts else { return response }
                failure = Self.statusError(response, what: what)
            } catch {
                let mapped = Self.transportError(error, what: what)
                guard mapped.retryable, attempt < settings.attempts else { throw redacted(mapped) }
                failure = mapped
            }
            let wait = failure.retryAfter ?? .seconds(min(30, 1 << min(attempt - 1, 5)))
            if wait > .seconds(settings.maxRetryWaitSeconds) {
                throw CivitaiError(
                    .rateLimited, "\(what) asked to wait longer than max_retry_wait_s",
                    detail: "Retry-After \(wait.components.seconds) s > \(settings.maxRetryWaitSeconds) s")
            }
            logger.notice(
                "civitai request retried",
                metadata: [
                    "civitai.what": "\(what)", "civitai.code": "\(failure.code)", "civitai.attempt": "\(attempt)",
                    "civitai.wait_ms": "\(wait.wholeMilliseconds)",
                ])
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw CivitaiError(.cancelled, "the run was cancelled")
            }
        }
    }

    static func statusError(_ response: HTTPResponse, what: String) -> CivitaiError {
        let said = Self.serverMessage(response.body)
        let detail = "HTTP \(response.status)\(said.isEmpty ? "" : ": \(said)")"
        let retryAfter = RetryAfter.of(response)
        switch response.status {
        case 429:
            return CivitaiError(
                .rateLimited, "\(what) is rate limiting requests", detail: detail, retryable: true, retryAfter: retryAfter)
        case 500...599:
            return CivitaiError(.unavailable, "\(what) is unavailable", detail: detail, retryable: true, retryAfter: retryAfter)
        case 401, 403: return CivitaiError(.authFailed, "\(what) refused the token", detail: detail)
        default: return CivitaiError(.badRequest, "\(what) rejected the request", detail: detail)
        }
    }

    static func transportError(_ error: HTTPError, what: String) -> CivitaiError {
        switch error.code {
        case "http_response_too_large":
            CivitaiError(.imageTooLarge, "\(what) was larger than allowed", detail: error.description)
        case "http_url_refused", "http_too_many_redirects":
            CivitaiError(.urlRefused, "\(what)'s URL was refused", detail: error.description)
        case "http_cancelled": CivitaiError(.cancelled, "the run was cancelled", detail: error.description)
        default: CivitaiError(.unreachable, "\(what) failed", detail: error.description, retryable: error.retryable)
        }
    }

    /// `{"error": …}` (a string, or a zod error object) or `{"message": …}`, shortened.
    static func serverMessage(_ body: [UInt8]) -> String {
        guard let json = try? JSONValue.parse(body) else { return LogRedaction.quote(Array(body.prefix(200))) }
        for key in ["error", "message"] {
            switch json[key] {
            case .string(let s)?: return String(s.prefix(300))
            case let value?: return String(value.serialized.prefix(300))
            case nil: continue
            }
        }
        return ""
    }

    /// `metadata.nextCursor` (a string or a number), else the `cursor` of `metadata.nextPage`.
    static func nextCursor(_ metadata: JSONValue?) -> String? {
        switch metadata?["nextCursor"] {
        case .string(let s)? where !s.isEmpty: return s
        case .number(let d, _)?: return Int64(exactly: d).map(String.init) ?? String(d)
        default: break
        }
        guard case .string(let next)? = metadata?["nextPage"], let mark = next.firstIndex(of: "?") else { return nil }
        for pair in next[next.index(after: mark)...].split(separator: "&") where pair.hasPrefix("cursor=") {
            let value = String(pair.dropFirst("cursor=".count))
            return value.removingPercentEncoding ?? value
        }
        return nil
    }

    func redacted(_ error: CivitaiError) -> CivitaiError {
        var error = error
        error.message = LogRedaction.redact(error.message, secret: token)
        error.detail = LogRedaction.redact(error.detail, secret: token)
        return error
    }
}
