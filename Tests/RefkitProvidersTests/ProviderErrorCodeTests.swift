import RefkitProviders
import Testing

@Suite("Provider error codes") struct ProviderErrorCodeTests {
    @Test func everyCodeIsAUniqueWireStringOfTheProviderFamily() {
        let raw = ProviderError.Code.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for code in raw {
            #expect(code.wholeMatch(of: #/[a-z][a-z0-9_]*/#) != nil, "\(code)")
            // `cancelled` (the caller's task, not the provider) has been on the wire without the prefix.
            #expect(code.hasPrefix("provider_") || code == ProviderError.Code.taskCancelled.rawValue, "\(code)")
        }
    }

    @Test func aCodeReadsAsItsWireString() {
        let error = ProviderError(code: .rateLimited, message: "slow down", detail: "HTTP 429", retryable: true)
        #expect(ProviderError.Code.rateLimited.rawValue == "provider_rate_limited")
        #expect("\(error.code)" == "provider_rate_limited")
        #expect(error.description == "provider_rate_limited: slow down (HTTP 429)")
        #expect(ProviderError.Code(rawValue: "provider_timeout") == .timeout)
    }
}
