/// Why a request to Civitai, or one image, did not work out. `code` is stable (logs, the batch file).
///
/// | code                         | permanent | meaning |
/// |------------------------------|-----------|---------|
/// | `civitai_rate_limited`       | no        | 429 after every attempt, or a Retry-After over `max_retry_wait_s` |
/// | `civitai_unavailable`        | no        | 5xx after every attempt |
/// | `civitai_unreachable`        | no        | DNS, connect, timeout, truncated body after every attempt |
/// | `civitai_auth_failed`        | no        | 401/403 (a wrong or expired token) |
/// | `civitai_bad_request`        | no        | 400 and other 4xx from the API (the query is wrong) |
/// | `civitai_bad_response`       | no        | a 2xx page that is not the JSON expected |
/// | `civitai_url_refused`        | yes       | an image URL that is not http(s), or points at a private address |
/// | `civitai_download_failed`    | yes       | the image URL answered 4xx |
/// | `civitai_image_too_large`    | yes       | the download exceeded `max_image_bytes` |
/// | `civitai_not_image`          | yes       | the bytes are not an accepted image (libmagic), or do not decode |
/// | `civitai_image_too_small`    | yes       | the decoded image is below `min_width` x `min_height` |
///
/// Permanent failures join the seen-set (that image is never fetched again); others are tried
/// again on the next run.
public struct CivitaiError: Error, Sendable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var detail: String
    /// Worth trying again within this run (429, 5xx, network).
    public var retryable: Bool
    /// From the server's Retry-After, when it sent one.
    public var retryAfter: Duration?

    public init(_ code: Code, _ message: String, detail: String = "", retryable: Bool = false, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.retryable = retryable
        self.retryAfter = retryAfter
    }

    /// Whether the failure describes the image itself, not the moment: the image is never fetched again.
    public var isPermanent: Bool { code.isPermanent }

    public var description: String { "\(code): \(message)\(detail.isEmpty ? "" : " (\(detail))")" }

    /// A Civitai failure's code. The raw strings are the wire format (logs, the batch file, the
    /// seen-set): never change one. The set is closed (only this module makes them and none is
    /// read back), so it is an enum: the compiler keeps the raw strings unique.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        case authFailed = "civitai_auth_failed"
        case badRequest = "civitai_bad_request"
        case badResponse = "civitai_bad_response"
        /// The run was cancelled while waiting or transferring.
        case cancelled = "civitai_cancelled"
        case downloadFailed = "civitai_download_failed"
        case imageTooLarge = "civitai_image_too_large"
        case imageTooSmall = "civitai_image_too_small"
        case notImage = "civitai_not_image"
        case rateLimited = "civitai_rate_limited"
        case unavailable = "civitai_unavailable"
        case unreachable = "civitai_unreachable"
        case urlRefused = "civitai_url_refused"

        /// Codes that describe the image itself, not the moment.
        public var isPermanent: Bool {
            switch self {
            case .urlRefused, .downloadFailed, .imageTooLarge, .notImage, .imageTooSmall: true
            case .authFailed, .badRequest, .badResponse, .cancelled, .rateLimited, .unavailable, .unreachable: false
            }
        }

        /// The wire string, so logs and messages read as they always have.
        public var description: String { rawValue }
    }
}
