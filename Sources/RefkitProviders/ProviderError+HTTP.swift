import RefkitHTTP

/// Provider errors made from HTTP outcomes: transport failures and statuses turned into
/// `ProviderError`s, with the provider's own words kept but never a secret.
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
/// | `provider_bad_response`       | yes       | a 2xx body that is not the JSON expected (see `ProviderHTTP.parseJSON`) |
/// | `provider_invalid_image`      | no        | the answer's bytes are not an image the intake rules take |
/// | `provider_not_configured`     | no        | no API key or base URL |
extension ProviderError {
    /// A transfer that produced no response, as a provider error; retryable as the HTTP layer says.
    public static func transport(_ error: HTTPError, provider: String) -> ProviderError {
        let code: Code
        let message: String
        switch error.code {
        case "http_timeout": (code, message) = (.timeout, "\(provider) did not answer in time")
        case "http_connect_failed", "http_connection_reset": (code, message) = (.unreachable, "\(provider) could not be reached")
        case "http_truncated": (code, message) = (.truncated, "\(provider)'s answer was cut off")
        case "http_tls_failed": (code, message) = (.tlsFailed, "\(provider)'s TLS certificate was not accepted")
        case "http_url_refused", "http_too_many_redirects": (code, message) = (.urlRefused, "\(provider)'s URL was refused")
        case "http_response_too_large":
            (code, message) = (.responseTooLarge, "\(provider)'s answer was larger than allowed")
        case "http_cancelled": (code, message) = (.cancelled, "the request to \(provider) was cancelled")
        default: (code, message) = (.networkError, "the request to \(provider) failed")
        }
        return ProviderError(code: code, message: message, detail: error.description, retryable: error.retryable)
    }

    /// An unsuccessful HTTP status as a provider error. `providerMessage` is the provider's own
    /// explanation (kept in the message); `providerCode` its machine code (kept in the detail).
    public static func httpStatus(
        _ status: Int, provider: String, providerMessage: String, providerCode: String = "", retryAfter: Duration? = nil
    ) -> ProviderError {
        let said = providerMessage.isEmpty ? "" : ": \(providerMessage)"
        let detail = providerCode.isEmpty ? "HTTP \(status)" : "HTTP \(status), \(providerCode)"
        func error(_ code: Code, _ what: String, retryable: Bool) -> ProviderError {
            ProviderError(
                code: code, message: "\(provider) \(what)\(said)", detail: detail, retryable: retryable,
                retryAfter: retryable ? retryAfter : nil)
        }
        switch status {
        case 408, 504: return error(.timeout, "timed out (HTTP \(status))", retryable: true)
        case 429: return error(.rateLimited, "is rate limiting requests (HTTP 429)", retryable: true)
        case 500...599: return error(.unavailable, "is unavailable (HTTP \(status))", retryable: true)
        case 401, 403: return error(.authFailed, "refused the credentials (HTTP \(status))", retryable: false)
        case 404: return error(.notFound, "does not know this model or endpoint (HTTP 404)", retryable: false)
        case 400...499: return error(.badRequest, "rejected the request (HTTP \(status))", retryable: false)
        default: return error(.badResponse, "answered with an unexpected HTTP \(status)", retryable: false)
        }
    }

    /// A successful answer that did not contain an image.
    public static func noImage(provider: String, reason: String) -> ProviderError {
        ProviderError(code: .noImage, message: "\(provider) answered without an image", detail: reason, retryable: false)
    }

    /// A 2xx JSON body that does not have the shape expected (retryable, as `ProviderHTTP.parseJSON` says).
    public static func badResponse(provider: String, _ what: String) -> ProviderError {
        ProviderError(code: .badResponse, message: "\(provider)'s answer \(what)", retryable: true)
    }

    /// The error for a provider that has no API key configured.
    public static func missingKey(provider: String) -> ProviderError {
        ProviderError(
            code: .notConfigured, message: "\(provider) has no API key (set api_key_env or api_key_file)", retryable: false)
    }

    /// The same error with the secret removed from its message and detail.
    public func redacted(secret: String?) -> ProviderError {
        var error = self
        error.message = LogRedaction.redact(message, secret: secret)
        error.detail = LogRedaction.redact(detail, secret: secret)
        return error
    }
}
