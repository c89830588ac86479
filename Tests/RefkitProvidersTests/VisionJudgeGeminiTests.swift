import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitQA
import RefkitTestSupport
import Testing

@testable import RefkitProviders

@Suite("Vision judge: Gemini generateContent", .timeLimit(.minutes(1)))
struct VisionJudgeGeminiTests {
    static let models: Set<String> = ["gemini-2.5-flash", "gemini-3-flash-preview"]

    /// A judge wired to a fresh fake; the fake and the client are stopped after `body`.
    func withFake(
        key: String? = nil, model: String = "gemini-2.5-flash", timeout: Duration = .seconds(60),
        _ body: (FakeGemini, VisionJudge) async throws -> Void
    ) async throws {
        let fake = try await FakeGemini.start(models: Self.models)
        let http = HTTPClient(logger: Logger(label: "test.judge.gemini"))
        let judge = VisionJudge.gemini(
            name: "gemini", baseURL: fake.baseURL + "/", model: model, apiKey: key ?? fake.apiKey, http: http, timeout: timeout)
        do {
            try await body(fake, judge)
        } catch {
            http.shutdown()
            await fake.stop()
            throw error
        }
        http.shutdown()
        await fake.stop()
    }

    func ask(_ judge: VisionJudge, stage: Stage = .back, candidateFirst: Bool = false) async throws(ProviderError) -> JudgeReply {
        try await judge.judge(
            reference: JudgeFixtures.reference, candidate: JudgeFixtures.candidate, system: JudgeRubric.system,
            user: JudgeRubric.userText(for: stage, candidateFirst: candidateFirst), candidateFirst: candidateFirst)
    }

    /// Queues `behaviour`, asks, and returns the error, checking that the key is not in it.
    func failure(
        _ fake: FakeGemini, _ judge: VisionJudge, _ behaviour: FakeGemini.Behaviour, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> ProviderError? {
        fake.enqueue(behaviour)
        let error = await JudgeFixtures.failure({ () async throws(ProviderError) in try await ask(judge) }, sourceLocation: sourceLocation)
        #expect(error?.description.contains(fake.apiKey) == false, sourceLocation: sourceLocation)
        return error
    }

    /// A 200 `generateContent` answer with these parts, in the service's camelCase shape (for
    /// what the fake's behaviours do not script: thought parts, a MAX_TOKENS stop with text).
    static func answer(parts: [JSONValue], finish: String, model: String) -> FakeGemini.Behaviour {
        let candidate = JSONValue.object([
            ("content", .object([("role", .string("model")), ("parts", .array(parts))])), ("finishReason", .string(finish)),
            ("index", .integer(0)),
        ])
        let body = JSONValue.object([("candidates", .array([candidate])), ("modelVersion", .string(model))])
        return .raw(status: 200, headers: ["content-type": "application/json"], body: Array(body.serialized.utf8))
    }

    @Test func sendsTheRealRequestShapeAndReturnsTheAnswerVerbatim() async throws {
        try await withFake { fake, judge in
            fake.enqueue(.textOnly(JudgeFixtures.answer))
            let reply = try await ask(judge)
            #expect(reply.text == JudgeFixtures.answer)
            #expect(reply.model == "gemini-2.5-flash")
            #expect(try JudgeAnswer.parse(reply.text).faceVisible == false)

            let sent = try #require(fake.requests.first)
            #expect(sent.path == "/v1beta/models/gemini-2.5-flash:generateContent")
            #expect(sent.headers["x-goog-api-key"] == fake.apiKey)
            #expect(sent.query["key"] == nil, "the key goes in the header, never the URL")
            let rubric = JudgeRubric.userText(for: .back)
            let parts = sent.parts.map { part in
                switch part {
                case .image(let image): "\(image.mime) \(JudgeFixtures.label(image.bytes))"
                case .text(let text): text == rubric ? "the rubric's text" : "other text: \(text.prefix(60))"
                }
            }
            #expect(parts == ["image/png reference", "image/jpeg candidate", "the rubric's text"])
            let json = try #require(sent.json)
            #expect(json[path: "system_instruction", "parts"]?.arrayValue?.first?["text"] == .string(JudgeRubric.system))
            let config = try #require(json["generationConfig"])
            #expect(config["responseMimeType"] == .string("application/json"))
            #expect(config["temperature"]?.doubleValue == 0)
            #expect(config[path: "thinkingConfig", "thinkingBudget"] == .integer(0))
            #expect(config["responseModalities"] == nil, "text out, no image")
        }
    }

    @Test func candidateFirstSwapsTheImagesAndAModelsPrefixIsAccepted() async throws {
        try await withFake(model: "models/gemini-3-flash-preview") { fake, judge in
            fake.enqueue(.textOnly(JudgeFixtures.answer))
            let reply = try await ask(judge, stage: .side, candidateFirst: true)
            #expect(reply.model == "gemini-3-flash-preview")
            let sent = try #require(fake.requests.first)
            #expect(sent.model == "gemini-3-flash-preview")
            #expect(sent.images.map { JudgeFixtures.label($0.bytes) } == ["candidate", "reference"])
            #expect(sent.texts == [JudgeRubric.userText(for: .side, candidateFirst: true)])
            #expect(sent.json?[path: "generationConfig", "thinkingConfig"] == nil, "3.x keeps its default thinking")
        }
    }

    @Test func proseIsReturnedAsTextAndThoughtPartsAreLeftOut() async throws {
        try await withFake { fake, judge in
            fake.enqueue(.textOnly(JudgeFixtures.prose))
            let prose = try await ask(judge)
            #expect(prose.text == JudgeFixtures.prose)
            #expect(throws: JudgeAnswerError.self) { try JudgeAnswer.parse(prose.text) }

            let thought = JSONValue.object([("text", .string("The hair matches; checking the face.")), ("thought", .bool(true))])
            fake.enqueue(
                Self.answer(
                    parts: [thought, .object([("text", .string(JudgeFixtures.answer))])], finish: "STOP", model: "gemini-2.5-flash-001"))
            let reply = try await ask(judge)
            #expect(reply.text == JudgeFixtures.answer)
            #expect(reply.model == "gemini-2.5-flash-001")
            #expect(!reply.truncated)
        }
    }

    @Test func emptyCutOffOrNonJSONAnswersAreBadResponses() async throws {
        try await withFake { fake, judge in
            for behaviour: FakeGemini.Behaviour in [
                .finish(reason: "STOP"), .textOnly(" \n"), .malformed(#"{"candidates": [{"content""#),
                .raw(status: 200, body: Array("[]".utf8)),
            ] {
                let error = await failure(fake, judge, behaviour)
                #expect(error?.code == .badResponse, "\(error?.description ?? "no error")")
                #expect(error?.retryable == true)
            }
            fake.enqueue(.textOnly(JudgeFixtures.truncated))
            let cut = try await ask(judge)
            #expect(cut.text == JudgeFixtures.truncated, "a cut-off object is still text for the strict parser")
            #expect(!cut.truncated, "the server said STOP")
            fake.enqueue(
                Self.answer(parts: [.object([("text", .string(JudgeFixtures.truncated))])], finish: "MAX_TOKENS", model: "gemini-2.5-flash")
            )
            let stopped = try await ask(judge)
            #expect(stopped.text == JudgeFixtures.truncated && stopped.truncated)
            let oversized = await failure(fake, judge, .oversized(bytes: VisionJudge.maxResponseBytes + 1))
            #expect(oversized?.code == .responseTooLarge && oversized?.retryable == false)
        }
    }

    @Test func blockedPromptsAndSafetyFinishesAreSafetyBlocks() async throws {
        try await withFake { fake, judge in
            let prompt = await failure(fake, judge, .promptBlocked(reason: "PROHIBITED_CONTENT"))
            #expect(prompt?.code == .safetyBlock && prompt?.retryable == false)
            #expect(prompt?.message.contains("PROHIBITED_CONTENT") == true)
            let answer = await failure(fake, judge, .finish(reason: "SAFETY", message: "The answer was blocked."))
            #expect(answer?.code == .safetyBlock && answer?.retryable == false)
            #expect(answer?.detail == "The answer was blocked.")
        }
    }

    @Test func statusesMapAsForGeminiImages() async throws {
        try await withFake { fake, judge in
            let failing = await failure(fake, judge, .status(500))
            #expect(failing?.code == .unavailable && failing?.retryable == true)
            let overloaded = await failure(fake, judge, .status(503, message: "The model is overloaded. Please try again later."))
            #expect(overloaded?.code == .unavailable && overloaded?.retryable == true)
            let limited = await failure(fake, judge, .rateLimited(retryDelay: "34s"))
            #expect(limited?.code == .rateLimited && limited?.retryable == true)
            #expect(limited?.retryAfter == .seconds(34))
            let daily = await failure(fake, judge, .rateLimited(perDay: true))
            #expect(daily?.code == .quotaExhausted && daily?.retryable == false)
            let denied = await failure(fake, judge, .status(401, message: "Request had invalid authentication credentials."))
            #expect(denied?.code == .authFailed && denied?.retryable == false)
        }
    }

    @Test func aWrongKeyIsAnAuthFailureThatDoesNotRepeatTheKey() async throws {
        let wrong = "AIzaWrongJudgeKey-5e6f7a8b9c0d"
        try await withFake(key: wrong) { fake, judge in
            let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge) })
            #expect(error.code == .authFailed && !error.retryable)
            #expect(!error.description.contains(wrong))
            #expect(fake.requests.first?.headers["x-goog-api-key"] == wrong)
        }
    }

    @Test func noKeyOrABadModelNameIsNotConfiguredWithoutARequest() async throws {
        try await withFake(key: "") { fake, judge in
            let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge) })
            #expect(error.code == .notConfigured)
            #expect(fake.callCount == 0)
        }
        try await withFake(model: "gemini-2.5-flash:generateContent?x=") { fake, judge in
            let error = try #require(await JudgeFixtures.failure { () async throws(ProviderError) in try await ask(judge) })
            #expect(error.code == .notConfigured)
            #expect(error.message.contains("is not valid"))
            #expect(fake.callCount == 0)
        }
    }

    @Test func aServerSlowerThanTheTimeoutIsATimeout() async throws {
        try await withFake(timeout: .seconds(1)) { fake, judge in
            let error = await failure(fake, judge, .delayed(.seconds(20), .textOnly(JudgeFixtures.answer)))
            #expect(error?.code == .timeout, "\(error?.description ?? "no error")")
            #expect(error?.retryable == true)
        }
    }
}
