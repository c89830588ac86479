import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

@Suite("Vision analyzer", .timeLimit(.minutes(1)))
struct AnalyzerTests {
    let http = HTTPClient(logger: Logger(label: "test.analyzer"))

    func image() throws -> ReferenceImage { ReferenceImage(bytes: try ImageFixtures.jpeg(seed: 3), mime: "image/jpeg") }

    func analyzer(_ fake: FakeAnalyzer, key: String? = nil, http: HTTPClient? = nil) -> Analyzer {
        Analyzer(
            baseURL: fake.baseURL + "/", model: "gpt-4.1-mini", apiKey: key ?? fake.key, http: http ?? self.http, timeout: .seconds(10))
    }

    func failure(_ body: () async throws -> Void) async -> ProviderError? {
        do {
            try await body()
            Issue.record("expected a ProviderError")
        } catch let error as ProviderError {
            return error
        } catch {
            Issue.record("expected a ProviderError, got \(error)")
        }
        return nil
    }

    @Test("sends the image as a data URL in JSON mode and maps the answer to attributes")
    func success() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        let source = try image()
        let result = try await analyzer(fake).analyze(image: source)

        #expect(result.attributes.map(\.key) == ["gender", "species", "age", "hair_color", "hair_style", "eye_color", "outfit"])
        #expect(result["hair_style"] == "long, wavy")
        #expect(result["outfit"] == "denim jacket over a white t-shirt")
        #expect(result["mood"] == nil)
        #expect(result["notes"] == nil)
        #expect(result.description == "A young woman with long wavy auburn hair and green eyes.")
        #expect(result.contentRating == "PG")

        let request = try #require(fake.requests.first)
        #expect(request.model == "gpt-4.1-mini")
        #expect(request.headers["authorization"] == "Bearer \(fake.key)")
        #expect(request.body["response_format"]?["type"] == .string("json_object"))
        #expect(request.body["messages"]?.arrayValue?.first?["role"] == .string("system"))
        #expect(request.images.count == 1)
        #expect(request.images.first?.mime == "image/jpeg")
        #expect(request.images.first?.bytes == source.bytes)
    }

    @Test(
        "JSON in code fences, wrapper tokens or prose is found",
        arguments: [
            "```json\n{\"gender\": \"male\", \"species\": \"elf\", \"content_rating\": \"pg-13\"}\n```",
            "```\n{\"gender\": \"male\", \"species\": \"elf\", \"content_rating\": \"PG-13\"}\n```",
            "<|begin_of_box|>{\"gender\": \"male\", \"species\": \"elf\", \"content_rating\": \"PG-13\"}<|end_of_box|>",
            "Here is the description:\n{\"gender\": \"male\", \"species\": \"elf\", \"content_rating\": \"PG-13\"}\nHope this helps.",
        ])
    func tolerantParsing(content: String) async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.setContent(content)
        let result = try await analyzer(fake).analyze(image: try image())
        #expect(result.attributes.map(\.key) == ["gender", "species"])
        #expect(result["species"] == "elf")
        #expect(result.contentRating == "PG-13")
    }

    @Test("values are tidied: trimmed, one line, capped, placeholders and unknown ratings dropped")
    func tidying() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        let long = String(repeating: "very ", count: 80)
        fake.setContent(
            #"{"Gender": "  non-binary ", "age": 27, "hair_colour": "black\nwith silver streaks", "eye_color": "unknown", "outfit": "\#(long)", "species": "", "content_rating": "M", "description": null}"#
        )
        let result = try await analyzer(fake).analyze(image: try image())
        #expect(result["gender"] == "non-binary")
        #expect(result["age"] == "27")
        #expect(result["hair_color"] == "black with silver streaks")
        #expect(result["eye_color"] == nil)
        #expect(result["species"] == nil)
        #expect((result["outfit"]?.count ?? 0) <= Analyzer.maxValueLength)
        #expect(result["outfit"]?.hasPrefix("very very") == true)
        #expect(result.contentRating == nil)
        #expect(result.description == nil)
    }

    @Test("content that is not a JSON object is a bad response")
    func malformed() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(.content("The image shows a woman with red hair."), .content("{\"gender\": \"fem", finishReason: "length"))
        let error = try #require(await failure { _ = try await analyzer(fake).analyze(image: try image()) })
        #expect(error.code.rawValue == "provider_bad_response")
        #expect(error.detail.contains("woman with red hair"))
        let truncated = try #require(await failure { _ = try await analyzer(fake).analyze(image: try image()) })
        #expect(truncated.code.rawValue == "provider_bad_response")
        #expect(truncated.detail.contains("finish_reason length"))
    }

    @Test("a body that is not a chat completion is a bad response")
    func notACompletion() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(.status(200, body: "<html>gateway</html>"), .status(200, body: #"{"choices": []}"#))
        #expect(await failure { _ = try await analyzer(fake).analyze(image: try image()) }?.code.rawValue == "provider_bad_response")
        #expect(await failure { _ = try await analyzer(fake).analyze(image: try image()) }?.code.rawValue == "provider_bad_response")
    }

    @Test("429 is retryable after Retry-After; 5xx retryable; refusals final")
    func statuses() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(
            .status(
                429, body: #"{"error":{"message":"Rate limit reached for gpt-4.1-mini","type":"requests","code":"rate_limit_exceeded"}}"#,
                headers: ["Retry-After": "7"]),
            .status(503, body: #"{"error":{"message":"The server is overloaded"}}"#),
            .refusal("I can't help with that."),
            .content("{}", finishReason: "content_filter"))
        let limited = try #require(await failure { _ = try await analyzer(fake).analyze(image: try image()) })
        #expect(limited.code.rawValue == "provider_rate_limited")
        #expect(limited.retryable)
        #expect(limited.retryAfter == .seconds(7))
        #expect(limited.message.contains("Rate limit reached"))
        let overloaded = try #require(await failure { _ = try await analyzer(fake).analyze(image: try image()) })
        #expect(overloaded.code.rawValue == "provider_unavailable")
        #expect(overloaded.retryable)
        let refused = try #require(await failure { _ = try await analyzer(fake).analyze(image: try image()) })
        #expect(refused.code.rawValue == "provider_safety_block")
        #expect(!refused.retryable)
        let filtered = try #require(await failure { _ = try await analyzer(fake).analyze(image: try image()) })
        #expect(filtered.code.rawValue == "provider_safety_block")
    }

    @Test("a wrong key is final auth failure, and no key reaches an error or a log")
    func wrongKey() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        let wrong = "sk-wrong-key-5a8b1c9d2e7f"
        let sink = CapturedLog()
        let logger = sink.logger("test.analyzer.secret")
        let client = HTTPClient(logger: logger)

        let error = try #require(await failure { _ = try await analyzer(fake, key: wrong, http: client).analyze(image: try image()) })
        #expect(error.code.rawValue == "provider_auth_failed")
        #expect(!error.retryable)
        #expect(error.message.contains("Incorrect API key provided"))
        #expect(!error.description.contains(wrong))
        #expect(error.description.contains("[redacted]"))

        _ = try await analyzer(fake, http: client).analyze(image: try image())
        #expect(!sink.text.isEmpty)
        #expect(!sink.text.contains(wrong))
        #expect(!sink.text.contains(fake.key))
    }

    @Test("no key is a configuration error, without a request")
    func noKey() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        let analyzer = Analyzer(baseURL: fake.baseURL, model: "m", apiKey: nil, http: http)
        let error = try #require(await failure { _ = try await analyzer.analyze(image: try image()) })
        #expect(error.code.rawValue == "provider_not_configured")
        #expect(fake.callCount == 0)
    }
}
