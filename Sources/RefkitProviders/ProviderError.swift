/// A provider failure: a stable code, whether trying again can help, and how long to wait.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var detail: String
    public var retryable: Bool
    public var retryAfter: Duration?

    public init(code: Code, message: String, detail: String = "", retryable: Bool, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.retryable = retryable
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(message)\(detail.isEmpty ? "" : " (\(detail))")" }

    /// A provider failure's code. The raw strings are the wire format (error.json, manifests,
    /// the database, logs): never change one. Unlike `RefkitError.Code`, the set is closed (only
    /// this module and the pipeline's provider call make provider errors; none is read back),
    /// so it is an enum: the compiler keeps the raw strings unique and `allCases` is complete.
    /// `ProviderError+HTTP.swift` says which HTTP answers give which code.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        case authFailed = "provider_auth_failed"
        case badRequest = "provider_bad_request"
        case badResponse = "provider_bad_response"
        case cancelled = "provider_cancelled"
        /// The provider ran the job and reported a failure that is not one of the others.
        case failed = "provider_failed"
        case invalidImage = "provider_invalid_image"
        /// The offline preview could not draw the request.
        case invalidInput = "provider_invalid_input"
        case networkError = "provider_network_error"
        case noImage = "provider_no_image"
        case notConfigured = "provider_not_configured"
        case notFound = "provider_not_found"
        case quotaExhausted = "provider_quota_exhausted"
        case rateLimited = "provider_rate_limited"
        case responseTooLarge = "provider_response_too_large"
        case safetyBlock = "provider_safety_block"
        /// The calling task was cancelled (a stop, a withdrawn stage) before the provider
        /// answered; unlike `cancelled`, nothing went wrong on the provider's side.
        case taskCancelled = "cancelled"
        case timeout = "provider_timeout"
        case tlsFailed = "provider_tls_failed"
        case truncated = "provider_truncated"
        case unavailable = "provider_unavailable"
        /// A configured provider whose `kind` no client implements.
        case unknownKind = "provider_unknown_kind"
        case unreachable = "provider_unreachable"
        case urlRefused = "provider_url_refused"

        /// The wire string, so logs and messages read as they always have.
        public var description: String { rawValue }
    }
}
