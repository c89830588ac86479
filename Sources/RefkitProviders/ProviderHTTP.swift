import Foundation
import RefkitCore
import RefkitHTTP
import RefkitImaging

/// What the HTTP image providers share: turning transport failures and HTTP statuses into
/// `ProviderError`s, `Retry-After`, base64, JSON bodies and checking that an answer is an image.
///
/// Error codes (the `code` users see in manifests and `error.json`):
///
/// | code                          | retryable | from |
/// |-------------------------------|-----------|------|
/// | `provider_timeout`            | yes       | `http_timeout`, HTTP 408, 504 |
/// | `provider_unreachable`        | yes       | `http_connect_failed` |
/// | `provider_truncated`          | yes       | `http_truncated` |
/// | `provider_tls_failed`         | no        | `http_tls_failed` |
/// | `provider_url_refused`        | no        | `http_url_refused`, `http_too_many_redirects` |
/// | `provider_response_too_large` | no        | `http_response_too_large` |
/// | `provider_cancelled`          | as HTTP   | `http_cancelled` |
/// | `provider_network_error`      | as HTTP   | any other `HTTPError` |
/// | `provider_rate_limited`       | yes       | HTTP 429 (retryAfter from `Retry-After` or the body) |
/// | `provider_quota_exhausted`    | no        | a 429 that says the quota (per day, billing) is used up |
/// | `provider_unavailable`        | yes       | HTTP 5xx |
/// | `provider_auth_failed`        | no        | HTTP 401, 403, or a 400 naming a bad key |
/// | `provider_not_found`          | no        | HTTP 404 (a wrong model or base URL) |
/// | `provider_bad_request`        | no        | HTTP 400, 422 and other 4xx |
/// | `provider_safety_block`       | no        | the provider's safety system refused |
/// | `provider_no_image`           | no        | a successful answer without an image |
/// | `provider_bad_response`       | yes       | a 2xx body that is not the JSON expected (see `parseJSON`) |
/// | `provider_invalid_image`      | no        | the answer's bytes are not a decodable image |
/// | `provider_not_configured`     | no        | no API key or base URL |
///
/// Messages keep the provider's own words (they say what to fix) but never a secret.
public enum ProviderHTTP {
    /// The response body limit providers set: a few 4K images in base64 fit with room to spare.
    public static let maxResponseBytes = 64 << 20
    /// At most this much of an unparseable body is quoted in an error's detail.
    static let bodyQuoteLimit = 512

    // MARK: - Errors

    /// A transfer that produced no response, as a provider error; retryable as the HTTP layer says.
    public static func transportError(_ error: HTTPError, provider: String) -> ProviderError {
        let code: String
        let message: String
        switch error.code {
        case "http_timeout": (code, message) = ("provider_timeout", "\(provider) did not answer in time")
        case "http_connect_failed", "http_connection_reset": (code, message) = ("provider_unreachable", "\(provider) could not be reached")
        case "http_truncated": (code, message) = ("provider_truncated", "\(provider)'s answer was cut off")
        case "http_tls_failed": (code, message) = ("provider_tls_failed", "\(provider)'s TLS certificate was not accepted")
        case "http_url_refused", "http_too_many_redirects": (code, message) = ("provider_url_refused", "\(provider)'s URL was refused")
        case "http_response_too_large": (code, message) = ("provider_response_too_large", "\(provider)'s answer was larger than allowed")
        case "http_cancelled": (code, message) = ("provider_cancelled", "the request to \(provider) was cancelled")
        default: (code, message) = ("provider_network_error", "the request to \(provider) failed")
        }
        return ProviderError(code: code, message: message, detail: error.description, retryable: error.retryable)
    }

    /// An unsuccessful HTTP status as a provider error. `providerMessage` is the provider's own
    /// explanation (kept in the message); `providerCode` its machine code (kept in the detail).
    public static func statusError(
        status: Int, provider: String, providerMessage: String, providerCode: String = "", retryAfter: Duration? = nil
    ) -> ProviderError {
        let said = providerMessage.isEmpty ? "" : ": \(providerMessage)"
        let detail = providerCode.isEmpty ? "HTTP \(status)" : "HTTP \(status), \(providerCode)"
        func error(_ code: String, _ what: String, retryable: Bool) -> ProviderError {
            ProviderError(code: code, message: "\(provider) \(what)\(said)", detail: detail, retryable: retryable, retryAfter: retryable ? retryAfter : nil)
        }
        switch status {
        case 408, 504: return error("provider_timeout", "timed out (HTTP \(status))", retryable: true)
        case 429: return error("provider_rate_limited", "is rate limiting requests (HTTP 429)", retryable: true)
        case 500...599: return error("provider_unavailable", "is unavailable (HTTP \(status))", retryable: true)
        case 401, 403: return error("provider_auth_failed", "refused the credentials (HTTP \(status))", retryable: false)
        case 404: return error("provider_not_found", "does not know this model or endpoint (HTTP 404)", retryable: false)
        case 400...499: return error("provider_bad_request", "rejected the request (HTTP \(status))", retryable: false)
        default: return error("provider_bad_response", "answered with an unexpected HTTP \(status)", retryable: false)
        }
    }

    /// A successful answer that did not contain an image.
    public static func noImage(provider: String, reason: String) -> ProviderError {
        ProviderError(code: "provider_no_image", message: "\(provider) answered without an image", detail: reason, retryable: false)
    }

    /// The first `bodyQuoteLimit` bytes of a body as text, for an error's detail.
    public static func quote(_ body: [UInt8]) -> String {
        let head = String(decoding: body.prefix(bodyQuoteLimit), as: UTF8.self)
        return body.count > bodyQuoteLimit ? head + "…" : head
    }

    /// How much of a secret's start counts as the secret: a text cut short (our `quote`, a
    /// provider's own truncation) may hold only the first part of an echoed key.
    static let secretPrefixMinimum = 8

    /// Removes every occurrence of `secret`, and of any start of it at least
    /// `secretPrefixMinimum` characters long, from a text that may echo a request (a provider's
    /// message quoting the URL or the key it rejected). Texts are often cut before they reach
    /// here (`quote`, a provider's own truncation); matching starts of the key makes the order
    /// of cutting and redacting irrelevant: a key cut at character 38 of 41 leaves nothing.
    public static func redact(_ text: String, secret: String?) -> String {
        guard let secret, secret.count >= 4 else { return text }
        let key = Array(secret.utf8)
        let minimum = min(key.count, secretPrefixMinimum)
        let bytes = Array(text.utf8)
        guard bytes.count >= minimum else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        while i < bytes.count {
            var length = 0
            while length < key.count, i + length < bytes.count, bytes[i + length] == key[length] { length += 1 }
            if length >= minimum {
                out.append(contentsOf: "[redacted]".utf8)
                i += length
                changed = true
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    /// The same error with the secret removed from its message and detail.
    public static func redact(_ error: ProviderError, secret: String?) -> ProviderError {
        var error = error
        error.message = redact(error.message, secret: secret)
        error.detail = redact(error.detail, secret: secret)
        return error
    }

    // MARK: - Retry-After

    /// The response's `Retry-After`, if it has a usable one.
    public static func retryAfter(_ response: HTTPResponse, now: Date = Date()) -> Duration? {
        response.header("retry-after").flatMap { parseRetryAfter($0, now: now) }
    }

    /// `Retry-After` as delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`,
    /// also the obsolete RFC 850 and asctime forms). A date in the past means "now" (zero).
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text), seconds >= 0 { return .seconds(min(seconds, 86_400 * 7)) }
        guard let epoch = HTTPDate.parse(text) else { return nil }
        let delta = Double(epoch) - now.timeIntervalSince1970
        return delta <= 0 ? .zero : .milliseconds(Int64((min(delta, 86_400 * 7) * 1000).rounded(.up)))
    }

    // MARK: - Base64

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        // The URL-safe alphabet too: some gateways re-encode.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Standard base64 with padding.
    public static func base64Encode(_ bytes: [UInt8]) -> String {
        let length = (bytes.count + 2) / 3 * 4
        guard length > 0 else { return "" }
        return String(unsafeUninitializedCapacity: length) { out in
            bytes.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { table in
                    var i = 0, o = 0
                    while i + 3 <= input.count {
                        let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                        out[o] = table[Int(n >> 18 & 63)]
                        out[o + 1] = table[Int(n >> 12 & 63)]
                        out[o + 2] = table[Int(n >> 6 & 63)]
                        out[o + 3] = table[Int(n & 63)]
                        i += 3
                        o += 4
                    }
                    let rest = input.count - i
                    if rest > 0 {
                        let n = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                        out[o] = table[Int(n >> 18 & 63)]
                        out[o + 1] = table[Int(n >> 12 & 63)]
                        out[o + 2] = rest == 2 ? table[Int(n >> 6 & 63)] : UInt8(ascii: "=")
                        out[o + 3] = UInt8(ascii: "=")
                    }
                }
            }
            return length
        }
    }

    /// Decodes base64 (standard or URL-safe alphabet, padding optional, line breaks ignored).
    /// nil when a character is outside the alphabet, padding is misplaced or the length is impossible.
    public static func base64Decode(_ text: String) -> [UInt8]? {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { input -> [UInt8]? in
            decodeTable.withUnsafeBufferPointer { table -> [UInt8]? in
                var out = [UInt8]()
                out.reserveCapacity(input.count / 4 * 3)
                var accumulator: UInt32 = 0
                var count = 0
                var padding = 0
                for c in input {
                    if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { continue }
                    if c == UInt8(ascii: "=") { padding += 1; continue }
                    if padding > 0 { return nil }  // data after padding
                    let v = table[Int(c)]
                    if v == 0xFF { return nil }
                    accumulator = accumulator << 6 | UInt32(v)
                    count += 1
                    if count == 4 {
                        out.append(UInt8(accumulator >> 16 & 0xFF))
                        out.append(UInt8(accumulator >> 8 & 0xFF))
                        out.append(UInt8(accumulator & 0xFF))
                        accumulator = 0
                        count = 0
                    }
                }
                switch count {
                case 0: guard padding == 0 else { return nil }
                case 2:
                    guard padding == 0 || padding == 2 else { return nil }
                    out.append(UInt8(accumulator >> 4 & 0xFF))
                case 3:
                    guard padding == 0 || padding == 1 else { return nil }
                    out.append(UInt8(accumulator >> 10 & 0xFF))
                    out.append(UInt8(accumulator >> 2 & 0xFF))
                default: return nil
                }
                return out
            }
        } ?? nil
    }

    // MARK: - JSON

    /// A 2xx body parsed as JSON. A body that is not JSON is `provider_bad_response`, marked
    /// retryable: garbled or cut-off successful answers come from proxies and overloaded
    /// front ends and usually do not repeat; the stage's retry budget (`[retry] attempts`)
    /// bounds how often it is tried.
    public static func parseJSON(_ body: [UInt8], provider: String) throws(ProviderError) -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            throw ProviderError(
                code: "provider_bad_response", message: "\(provider)'s answer is not valid JSON",
                detail: "\(error.description); body: \(quote(body))", retryable: true)
        }
    }

    /// A 2xx JSON body that does not have the shape expected (also retryable, as above).
    public static func badResponse(provider: String, _ what: String) -> ProviderError {
        ProviderError(code: "provider_bad_response", message: "\(provider)'s answer \(what)", retryable: true)
    }

    // MARK: - Output images

    /// Raster formats a provider may answer with, by libvips loader prefix.
    private static let acceptedLoaders: [(prefix: String, mime: String)] = [
        ("jpegload", "image/jpeg"), ("pngload", "image/png"), ("webpload", "image/webp"),
        ("heifload", "image/heif"), ("gifload", "image/gif"),
    ]
    /// Larger outputs are refused rather than decoded (no provider makes more than 16K x 16K).
    static let maxOutputPixels = 16_384 * 16_384

    /// Checks that `bytes` are a real, completely decodable raster image and wraps them as the
    /// provider's answer (size and MIME type read from the image, not trusted from the provider).
    public static func validatedImage(_ bytes: [UInt8], provider: String, model: String, costUSD: Double) throws(ProviderError) -> GeneratedImage {
        func invalid(_ why: String) -> ProviderError {
            ProviderError(code: "provider_invalid_image", message: "\(provider) answered with bytes that are not a usable image", detail: why, retryable: false)
        }
        guard !bytes.isEmpty else { throw invalid("the image is empty") }
        let header: ImageHeader
        do {
            header = try ImageOps.probe(bytes)
            try ImageOps.checkPixelLimit(header, maxPixels: maxOutputPixels)
        } catch {
            throw invalid(error.description)
        }
        guard let mime = acceptedLoaders.first(where: { header.loader.hasPrefix($0.prefix) })?.mime else {
            throw invalid("unsupported image format (\(header.loader))")
        }
        guard header.width > 0, header.height > 0 else { throw invalid("the image has no pixels") }
        do {
            try ImageOps.verifyDecode(bytes)
        } catch {
            throw invalid(error.description)
        }
        var image = GeneratedImage(bytes: bytes, mime: mime, width: header.width, height: header.height, model: model, costUSD: costUSD)
        image.decodeVerified = true
        return image
    }

    // MARK: - Requests

    /// Sends a request; a transfer failure becomes a provider error (with `secret` removed from it).
    public static func send(
        _ request: HTTPRequest, via http: HTTPClient, provider: String, secret: String?, policy: URLPolicy
    ) async throws(ProviderError) -> HTTPResponse {
        var request = request
        if let gate = RequestGating.gate { request.gate = gate }
        do {
            let response = try await http.send(request, policy: policy)
            RequestGating.timer?.add(response.duration)
            return response
        } catch {
            throw redact(transportError(error, provider: provider), secret: secret)
        }
    }

    /// Whole milliseconds of a duration, for log metadata.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// The error for a provider that has no API key configured.
    public static func missingKey(provider: String) -> ProviderError {
        ProviderError(code: "provider_not_configured", message: "\(provider) has no API key (set api_key_env or api_key_file)", retryable: false)
    }

    /// The base URL with no trailing slash, so `base + "/path"` never doubles it.
    public static func trimmedBase(_ baseURL: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The plain-http hosts a base URL needs allowed (loopback is always allowed by the client;
    /// any other http base URL was configured deliberately by the operator).
    public static func policy(for baseURL: String) -> URLPolicy {
        guard baseURL.lowercased().hasPrefix("http://") else { return URLPolicy() }
        let rest = baseURL.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = String(authority.split(separator: "@").last ?? "")
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return URLPolicy(plainHTTPHosts: [host.lowercased()])
    }
}

// MARK: - JSON access

extension JSONValue {
    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The items, when this is an array.
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members, when this is an object.
    var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The number, when this is one.
    var doubleValue: Double? {
        if case .number(let d, _) = self { return d }
        return nil
    }

    /// The number as an integer, when it is a whole number.
    var intValue: Int? {
        if case .number(let d, _) = self, let i = Int(exactly: d) { return i }
        return nil
    }

    /// The value at a path of object keys (`json[path: "error", "message"]`).
    subscript(path keys: String...) -> JSONValue? {
        var value: JSONValue? = self
        for key in keys { value = value?[key] }
        return value
    }

    /// A JSON integer.
    static func integer(_ value: Int) -> JSONValue { .number(Double(value), isInteger: true) }
}

/// HTTP-date (RFC 9110 §5.6.7) to seconds since the epoch.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Int64? {
        // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT"; RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT";
        // asctime "Sun Nov  6 08:49:37 1994".
        let words = text.replacingOccurrences(of: "-", with: " ").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var clock: (Int, Int, Int)?
        for word in words {
            if word.count >= 3, word.allSatisfy(\.isLetter), let m = months.firstIndex(of: String(word.lowercased().prefix(3))) {
                // Weekday names ("Sun", "Monday") never collide with month names.
                month = m + 1
            } else if word.contains(":") {
                let parts = word.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3 else { return nil }
                clock = (parts[0], parts[1], parts[2])
            } else if let n = Int(word) {
                if word.count == 4 { year = n } else if day == nil { day = n } else if word.count == 2 { year = n }
            }
        }
        guard var y = year, let mo = month, let d = day, let (h, mi, s) = clock else { return nil }
        if y < 100 { y += y < 70 ? 2000 : 1900 }
        guard (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s) else { return nil }
        return Int64(daysFromCivil(year: y, month: mo, day: d)) * 86_400 + Int64(h * 3600 + mi * 60 + s)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
