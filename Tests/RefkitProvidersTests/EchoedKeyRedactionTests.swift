import Foundation
import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

/// A reply that echoes the key where a text is cut (our 512-byte quote, a provider's own
/// truncation) must leave no long piece of the key in errors or logs.
@Suite("Echoed keys across a cut", .timeLimit(.minutes(1)))
struct EchoedKeyRedactionTests {
    static let key = "sk-proj-Q7wXe9RtY2uI4oP6aS8dF0gH1jK3lZ5xC"  // 41 characters

    @Test func aCutKeyIsRedactedLikeAWholeOne() {
        let cut = LogRedaction.redact("the key \(Self.key.prefix(38))…", secret: Self.key)
        #expect(cut == "the key [redacted]…")
        #expect(LogRedaction.redact("sent \(Self.key) twice: \(Self.key)", secret: Self.key) == "sent [redacted] twice: [redacted]")
        // A provider that shows only the key's first characters, as some do in their error text.
        #expect(
            !LogRedaction.redact("Incorrect API key provided: \(Self.key.prefix(12))****", secret: Self.key).contains(Self.key.prefix(8)))
        // Short shared starts ("sk-") and unrelated text stay as they are.
        #expect(LogRedaction.redact("keys start with sk-proj and sk-", secret: Self.key) == "keys start with sk-proj and sk-")
        #expect(LogRedaction.redact("short", secret: "abcd") == "short")
        #expect(LogRedaction.redact("x abcd y", secret: "abcd") == "x [redacted] y")
    }

    /// The real path: a 400 whose body is not JSON is quoted (cut at 512 bytes) into the error,
    /// which is logged; the key straddles the cut.
    @Test func aQuotedReplyCutInsideTheKeyLeavesNoPartOfIt() async throws {
        let fake = try await FakeOpenAI.start(apiKey: Self.key)
        let logs = CapturedLog()
        let http = HTTPClient(logger: logs.logger("http"))
        let settings = ProviderSettings(
            name: "openai", kind: "openai", baseURL: fake.baseURL, model: "gpt-image-1", apiKey: Self.key, timeout: .seconds(30),
            pricePerImageUSD: 0.1)
        let provider = OpenAIProvider(settings: settings, http: http, logger: logs.logger("openai"))
        let body = String(repeating: "x", count: LogRedaction.bodyQuoteLimit - 38) + Self.key + " was not accepted"
        fake.enqueue(.raw(status: 400, headers: ["content-type": "text/plain"], body: Array(body.utf8)))
        let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
            try await provider.generate(ImageAPIFixtures.request())
        }
        http.shutdown()
        await fake.stop()
        let failure = try #require(error)
        #expect(failure.code.rawValue == "provider_bad_request")
        #expect(!failure.description.contains(Self.key.prefix(8)), "\(failure.description)")
        #expect(failure.description.contains("[redacted]"), "\(failure.description)")
        #expect(!logs.text.contains(Self.key.prefix(8)), "\(logs.text)")
    }
}
