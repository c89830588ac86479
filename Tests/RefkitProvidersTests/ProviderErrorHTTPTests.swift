import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

/// HTTP statuses and transport failures as provider errors (`ProviderError+HTTP.swift`).
@Suite struct ProviderErrorHTTPTests {
    @Test func statusMapping() {
        let cases: [(Int, String, Bool)] = [
            (400, "provider_bad_request", false), (401, "provider_auth_failed", false), (403, "provider_auth_failed", false),
            (404, "provider_not_found", false), (408, "provider_timeout", true), (422, "provider_bad_request", false),
            (429, "provider_rate_limited", true), (500, "provider_unavailable", true), (502, "provider_unavailable", true),
            (503, "provider_unavailable", true), (504, "provider_timeout", true),
        ]
        for (status, code, retryable) in cases {
            let error = ProviderError.httpStatus(status, provider: "p", providerMessage: "why", retryAfter: .seconds(5))
            #expect(error.code.rawValue == code, "HTTP \(status)")
            #expect(error.retryable == retryable, "HTTP \(status)")
            #expect(error.retryAfter == (retryable ? .seconds(5) : nil))
            #expect(error.message.contains("why"))
        }
    }

    @Test func transportMappingKeepsTheRetryableFlag() {
        let timeout = ProviderError.transport(HTTPError(code: "http_timeout", message: "t", retryable: true), provider: "p")
        #expect(timeout.code.rawValue == "provider_timeout" && timeout.retryable)
        let large = ProviderError.transport(HTTPError(code: "http_response_too_large", message: "l", retryable: false), provider: "p")
        #expect(large.code.rawValue == "provider_response_too_large" && !large.retryable)
        let other = ProviderError.transport(HTTPError(code: "http_failed", message: "x", retryable: false), provider: "p")
        #expect(other.code.rawValue == "provider_network_error" && !other.retryable)
    }

    /// A provider's answer is held to the drop rules (`ImageJudge`): a GIF is refused.
    @Test func anAnswerTheIntakeRulesRefuseIsInvalid() throws {
        let gif = try ImageFixtures.image("gif", seed: 4)
        let error = #expect(throws: ProviderError.self) {
            try ProviderHTTP.validatedImage(gif, provider: "p", model: "m", costUSD: 0)
        }
        #expect(error?.code.rawValue == "provider_invalid_image")
        #expect(error?.detail.contains("source_gif_unsupported") == true)
        let png = try ImageFixtures.png(seed: 4, width: 30, height: 20)
        let image = try ProviderHTTP.validatedImage(png, provider: "p", model: "m", costUSD: 0)
        #expect(image.mime == "image/png" && image.width == 30 && image.height == 20 && image.decodeVerified)
    }
}
