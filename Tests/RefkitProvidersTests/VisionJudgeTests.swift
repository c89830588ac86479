import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitQA
import RefkitTestSupport
import Testing

@testable import RefkitProviders

/// The rubric's words, images and answers shared by both wire protocols' tests.
enum JudgeFixtures {
    static let reference = ReferenceImage(bytes: try! ImageFixtures.png(seed: 11, width: 64, height: 64), mime: "image/png")
    static let candidate = ReferenceImage(bytes: try! ImageFixtures.jpeg(seed: 12, width: 48, height: 72), mime: "image/jpeg")

    /// A complete rubric answer for a back view, as a model in JSON mode writes it.
    static let answer = """
        {"image_ok": true, "contains_text": false, "identity_evidence": ["same auburn hair", "same denim jacket"], \
        "identity_differences": [], "same_character": "yes", "identity_score": 3, "observed_view": "back", \
        "face_visible": false, "is_mirror_of_reference": false, "back_is_true_rotation": true, "outfit_matches": 4, \
        "expression": null}
        """
    /// Which fixture these bytes are, so a wrong order reads as names, not as bytes.
    static func label(_ bytes: [UInt8]) -> String {
        bytes == reference.bytes ? "reference" : bytes == candidate.bytes ? "candidate" : "unknown \(bytes.count) bytes"
    }

    static let prose = "Here is my assessment:\n" + answer + "\nThe candidate looks right."
    static let truncated = String(answer.prefix(120))

    /// Runs `body` and returns the provider error it throws (failing the test if it answers).
    static func failure(
        _ body: () async throws(ProviderError) -> JudgeReply, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> ProviderError? {
        do {
            let reply = try await body()
            Issue.record("expected a provider error, got \"\(reply.text.prefix(80))\"", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

@Suite("Vision judge: decisions")
struct VisionJudgeDecisionTests {
    @Test func imagesGoInTheOrderTheRubricNamesThem() {
        let (reference, candidate) = (JudgeFixtures.reference, JudgeFixtures.candidate)
        let plain = VisionJudge.imageOrder(reference: reference, candidate: candidate, candidateFirst: false)
        let swapped = VisionJudge.imageOrder(reference: reference, candidate: candidate, candidateFirst: true)
        #expect(plain.map { JudgeFixtures.label($0.bytes) } == ["reference", "candidate"])
        #expect(swapped.map { JudgeFixtures.label($0.bytes) } == ["candidate", "reference"])
    }

    @Test(
        "thinking is turned off only where a zero budget is accepted",
        arguments: [
            ("gemini-2.5-flash", true), ("gemini-2.5-flash-lite", true), ("gemini-2.5-pro", false), ("gemini-3-flash-preview", false),
        ])
    func thinking(model: String, off: Bool) {
        let config = VisionJudge.thinkingConfig(for: model)
        #expect((config?["thinkingBudget"] == .integer(0)) == off)
        #expect((config == nil) == !off)
    }

    @Test func theRubricAnswerParsesStrictlyAndItsBrokenFormsDoNot() throws {
        #expect(try JudgeAnswer.parse(JudgeFixtures.answer).observedView == .back)
        #expect(throws: JudgeAnswerError.proseAroundJSON(excerpt: String(JudgeFixtures.prose.prefix(80)))) {
            try JudgeAnswer.parse(JudgeFixtures.prose)
        }
        #expect(throws: JudgeAnswerError.self) { try JudgeAnswer.parse(JudgeFixtures.truncated) }
    }
}

@Suite("Vision judge: OpenAI-compatible chat", .timeLimit(.minutes(1)))
struct VisionJudgeOpenAITests {
    let http = HTTPClient(logger: Logger(label: "test.judge.openai"))

    func judge(_ fake: FakeAnalyzer, key: String? = nil, timeout: Duration = .seconds(60)) -> VisionJudge {
        .openAI(name: "analyzer", baseURL: fake.baseURL + "/", model: "gpt-4.1-mini", apiKey: key ?? fake.key, http: http, timeout: timeout)
    }

    func ask(_ judge: VisionJudge, stage: Stage = .back, candidateFirst: Bool = false) async throws(ProviderError) -> JudgeReply {
        try await judge.judge(
            reference: JudgeFixtures.reference, candidate: JudgeFixtures.candidate, system: JudgeRubric.system,
            user: JudgeRubric.userText(for: stage, candidateFirst: candidateFirst), candidateFirst: candidateFirst)
    }

    /// The user message's parts as "image" and "text", in order.
    func partKinds(_ request: FakeAnalyzer.Request) -> [String] {
        let user = request.body["messages"]?.arrayValue?.last
        return (user?["content"]?.arrayValue ?? []).map { $0["type"] == .string("image_url") ? "image" : "text" }
    }

    @Test func sendsBothImagesTheRubricAndTheModelAndReturnsTheAnswerVerbatim() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.setContent(JudgeFixtures.answer)
        let reply = try await ask(judge(fake))

        #expect(reply.text == JudgeFixtures.answer)
        #expect(reply.model == "gpt-4.1-mini-2025-04-14", "the model the server says answered")
        let parsed = try JudgeAnswer.parse(reply.text)
        #expect(parsed.sameCharacter == .yes && parsed.identityScore == 3 && parsed.backIsTrueRotation == true)

        let request = try #require(fake.requests.first)
        #expect(request.model == "gpt-4.1-mini")
        #expect(request.headers["authorization"] == "Bearer \(fake.key)")
        #expect(request.body["response_format"]?["type"] == .string("json_object"))
        #expect(request.body["temperature"]?.doubleValue == 0)
        let messages = try #require(request.body["messages"]?.arrayValue)
        #expect(messages.first?["role"] == .string("system"))
        #expect(messages.first?["content"] == .string(JudgeRubric.system))
        #expect(partKinds(request) == ["image", "image", "text"])
        let text = messages.last?["content"]?.arrayValue?.last?["text"]
        #expect(text == .string(JudgeRubric.userText(for: .back)))
        #expect(request.images.map { JudgeFixtures.label($0.bytes) } == ["reference", "candidate"])
        #expect(request.images.map(\.mime) == ["image/png", "image/jpeg"])
    }

    @Test func candidateFirstSwapsTheImagesAndTheTextSaysSo() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.setContent(JudgeFixtures.answer)
        _ = try await ask(judge(fake), stage: .side, candidateFirst: true)
        let request = try #require(fake.requests.first)
        #expect(request.images.map { JudgeFixtures.label($0.bytes) } == ["candidate", "reference"])
        let text = request.body["messages"]?.arrayValue?.last?["content"]?.arrayValue?.last?["text"]?.stringValue ?? ""
        #expect(text == JudgeRubric.userText(for: .side, candidateFirst: true))
        #expect(text.hasPrefix("The first image is the candidate"))
    }

    @Test func proseAndCutOffAnswersComeBackAsTextForTheStrictParser() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(.content(JudgeFixtures.prose), .content(JudgeFixtures.truncated, finishReason: "length"))
        let prose = try await ask(judge(fake))
        #expect(prose.text == JudgeFixtures.prose, "not the analyzer's tolerant extraction")
        #expect(throws: JudgeAnswerError.self) { try JudgeAnswer.parse(prose.text) }
        #expect(!prose.truncated)
        let cut = try await ask(judge(fake))
        #expect(cut.text == JudgeFixtures.truncated)
        #expect(cut.truncated, "finish_reason length")
        #expect(throws: JudgeAnswerError.self) { try JudgeAnswer.parse(cut.text) }
    }

    @Test func emptyContentOrANonCompletionIsABadResponse() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(.content(""), .content("  \n"), .status(200, body: #"{"choices": []}"#), .status(200, body: "<html>gateway</html>"))
        for _ in 0..<4 {
            let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge(fake)) })
            #expect(error.code == .badResponse, "\(error)")
            #expect(error.retryable)
        }
    }

    @Test func statusesMapToRetryableOrFinalErrors() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(
            .status(500, body: #"{"error":{"message":"The server had an error while processing your request."}}"#),
            .status(
                429, body: #"{"error":{"message":"Rate limit reached for gpt-4.1-mini","code":"rate_limit_exceeded"}}"#,
                headers: ["Retry-After": "12"]),
            .refusal("I can't help with that."))
        let failing = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge(fake)) })
        #expect(failing.code == .unavailable && failing.retryable)
        let limited = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge(fake)) })
        #expect(limited.code == .rateLimited && limited.retryable)
        #expect(limited.retryAfter == .seconds(12))
        let refused = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge(fake)) })
        #expect(refused.code == .safetyBlock && !refused.retryable)
    }

    @Test func aWrongKeyIsAnAuthFailureThatDoesNotRepeatTheKey() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        let wrong = "sk-judge-wrong-7f3e9a1b5c2d"
        let sink = CapturedLog()
        let client = HTTPClient(logger: sink.logger("test.judge.secret"))
        let judge = VisionJudge.openAI(baseURL: fake.baseURL, model: "gpt-4.1-mini", apiKey: wrong, http: client, timeout: .seconds(60))
        let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge) })
        #expect(error.code == .authFailed && !error.retryable)
        #expect(error.message.contains("Incorrect API key provided"), "the fake quoted the key it got")
        #expect(!error.description.contains(wrong))
        #expect(!error.description.contains(String(wrong.prefix(12))))
        #expect(!sink.text.isEmpty, "the HTTP client logged the exchange")
        #expect(!sink.text.contains(wrong))
    }

    @Test func anAnswerOverFourMiBIsRefused() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        fake.script(.content(String(repeating: "a", count: VisionJudge.maxResponseBytes + 1)))
        let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge(fake)) })
        #expect(error.code == .responseTooLarge && !error.retryable)
    }

    @Test func noKeyIsNotConfiguredWithoutARequest() async throws {
        let fake = try await FakeAnalyzer.start()
        defer { Task { await fake.stop() } }
        for key in [nil, ""] as [String?] {
            let judge = VisionJudge.openAI(baseURL: fake.baseURL, model: "gpt-4.1-mini", apiKey: key, http: http)
            let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge) })
            #expect(error.code == .notConfigured)
        }
        #expect(fake.callCount == 0)
    }

    @Test func aServerSlowerThanTheTimeoutIsATimeout() async throws {
        let server = try await LoopbackServer.start()
        server.route("POST", "/v1/chat/completions") { _ in
            // Slower than the judge's timeout: the behaviour under test, not a wait for an event.
            try await Task.sleep(for: .seconds(30))
            return .json(#"{"choices":[]}"#)
        }
        let judge = VisionJudge.openAI(
            baseURL: server.baseURL + "/v1", model: "gpt-4.1-mini", apiKey: "sk-judge-timeout-0123456789", http: http,
            timeout: .seconds(1))
        let error = await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge) }
        await server.stop()
        #expect(error?.code == .timeout, "\(error?.description ?? "no error")")
        #expect(error?.retryable == true)
        #expect(error?.description.contains("sk-judge-timeout") == false)
    }
}
