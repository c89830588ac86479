import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Synchronization
import Testing

@testable import RefkitProviders

/// Shared request fixtures for the image API tests.
enum ImageAPIFixtures {
    static let source = ReferenceImage(bytes: try! ImageFixtures.jpeg(seed: 1, width: 60, height: 80), mime: "image/jpeg")
    static let locked = ReferenceImage(bytes: try! ImageFixtures.png(seed: 2, width: 40, height: 40), mime: "image/png")
    static let extra = ReferenceImage(bytes: try! ImageFixtures.png(seed: 3, width: 30, height: 20), mime: "image/png")

    static func request(width: Int = 768, height: Int = 1024, images: Bool = true, model: String? = nil) -> GenerationRequest {
        GenerationRequest(
            kitID: "kit-1", stage: .side, prompt: "Draw the character from the side", source: images ? source : nil,
            lockedReference: images ? locked : nil, references: images ? [extra] : [], width: width, height: height, seed: 7, model: model)
    }

    /// Runs `body` and returns the provider error it throws (failing the test if it succeeds).
    static func failure(
        _ body: () async throws(ProviderError) -> GeneratedImage, sourceLocation: SourceLocation = #_sourceLocation
    ) async
        -> ProviderError?
    {
        do {
            let image = try await body()
            Issue.record("expected a provider error, got an image of \(image.bytes.count) bytes", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct GeminiProviderTests {
    /// A provider wired to a fresh fake, with captured logs.
    struct Rig {
        let fake: FakeGemini
        let provider: GeminiProvider
        let http: HTTPClient
        let logs: CapturedLog

        func stop() async {
            http.shutdown()
            await fake.stop()
        }
    }

    func withRig(
        key: String? = nil, timeout: Duration = .seconds(30), extra: [String: String] = [:],
        maxResponseBytes: Int = ProviderHTTP.maxResponseBytes,
        _ body: (Rig) async throws -> Void
    ) async throws {
        let fake = try await FakeGemini.start()
        let logs = CapturedLog()
        let http = HTTPClient(logger: logs.logger("http"))
        let settings = ProviderSettings(
            name: "gemini", kind: "gemini", baseURL: fake.baseURL + "/", model: nil, apiKey: key ?? fake.apiKey, timeout: timeout,
            pricePerImageUSD: 0.039, extra: extra)
        let rig = Rig(
            fake: fake,
            provider: GeminiProvider(settings: settings, http: http, logger: logs.logger("gemini"), maxResponseBytes: maxResponseBytes),
            http: http, logs: logs)
        do {
            try await body(rig)
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }

    func expectError(
        _ rig: Rig, _ behaviour: FakeGemini.Behaviour, code: String, retryable: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> ProviderError? {
        rig.fake.enqueue(behaviour)
        let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
            try await rig.provider.generate(ImageAPIFixtures.request())
        }
        #expect(error?.code.rawValue == code, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        #expect(error?.retryable == retryable, sourceLocation: sourceLocation)
        if let error {
            #expect(!error.description.contains(rig.fake.apiKey), sourceLocation: sourceLocation)
        }
        return error
    }

    // MARK: Success

    @Test func generatesAnImageAndSendsTheRealRequestShape() async throws {
        try await withRig(extra: ["image_size": "2K"]) { rig in
            let image = try await rig.provider.generate(ImageAPIFixtures.request())
            #expect(image.bytes == rig.fake.image)
            #expect(image.mime == "image/png")
            #expect(image.width == 48 && image.height == 64)
            #expect(image.model == "gemini-2.5-flash-image")
            #expect(image.costUSD == 0.039)

            let requests = rig.fake.requests
            try #require(requests.count == 1)
            let sent = requests[0]
            #expect(sent.path == "/v1beta/models/gemini-2.5-flash-image:generateContent")
            #expect(sent.headers["x-goog-api-key"] == rig.fake.apiKey)
            #expect(sent.query["key"] == nil, "the key goes in the header, never the URL")
            #expect(sent.headers["content-type"] == "application/json")
            #expect(
                sent.parts == [
                    .text("Draw the character from the side"),
                    .image(.init(mime: "image/jpeg", bytes: ImageAPIFixtures.source.bytes)),
                    .image(.init(mime: "image/png", bytes: ImageAPIFixtures.locked.bytes)),
                    .image(.init(mime: "image/png", bytes: ImageAPIFixtures.extra.bytes)),
                ])
            #expect(sent.spellings == ["inline_data", "mime_type"])
            let config = try #require(sent.json?["generationConfig"])
            #expect(config["responseModalities"] == .array([.string("TEXT"), .string("IMAGE")]))
            #expect(config["imageConfig"]?["aspectRatio"] == .string("3:4"))
            #expect(config["imageConfig"]?["imageSize"] == .string("2K"))
        }
    }

    /// The request's seed goes in `generationConfig.seed`, kept within the API's int32.
    @Test func sendsTheSeedAsAnInt32() async throws {
        try await withRig { rig in
            var request = ImageAPIFixtures.request()
            request.seed = 0x0ABC_DEF0_9234_5678
            _ = try await rig.provider.generate(request)
            _ = try await rig.provider.generate(ImageAPIFixtures.request())
            #expect(rig.fake.requests.map(\.seed) == [0x1234_5678, 7])
        }
    }

    @Test func findsTheImageAfterATextPart() async throws {
        try await withRig { rig in
            rig.fake.enqueue(.image(textBefore: "Here is the side view you asked for."))
            let image = try await rig.provider.generate(ImageAPIFixtures.request())
            #expect(image.bytes == rig.fake.image)
        }
    }

    @Test func usesTheRequestedModel() async throws {
        try await withRig { rig in
            let image = try await rig.provider.generate(ImageAPIFixtures.request(model: "gemini-3-pro-image-preview"))
            #expect(image.model == "gemini-3-pro-image-preview")
            #expect(rig.fake.requests.first?.model == "gemini-3-pro-image-preview")
        }
    }

    @Test func textOnlyStageSendsOnlyThePrompt() async throws {
        try await withRig { rig in
            _ = try await rig.provider.generate(ImageAPIFixtures.request(width: 1024, height: 1024, images: false))
            let sent = try #require(rig.fake.requests.first)
            #expect(sent.parts == [.text("Draw the character from the side")])
            #expect(sent.json?["generationConfig"]?["imageConfig"]?["aspectRatio"] == .string("1:1"))
            #expect(sent.json?["generationConfig"]?["imageConfig"]?["imageSize"] == nil)
        }
    }

    @Test(arguments: [
        (1024, 1024, "1:1"), (768, 1024, "3:4"), (1024, 768, "4:3"), (1080, 1920, "9:16"), (1920, 1080, "16:9"), (2520, 1080, "21:9"),
        (800, 1000, "4:5"), (1000, 1500, "2:3"), (0, 100, "1:1"),
    ])
    func picksTheNearestAspectRatio(width: Int, height: Int, ratio: String) {
        #expect(GeminiProvider.aspectRatio(width: width, height: height) == ratio)
    }

    // MARK: Safety and empty answers (HTTP 200)

    @Test func promptBlockIsAFinalSafetyBlock() async throws {
        try await withRig { rig in
            let error = await expectError(
                rig, .promptBlocked(reason: "PROHIBITED_CONTENT"), code: "provider_safety_block", retryable: false)
            #expect(error?.message.contains("PROHIBITED_CONTENT") == true)
        }
    }

    @Test(arguments: ["IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "SAFETY", "RECITATION"])
    func blockedOutputIsAFinalSafetyBlock(reason: String) async throws {
        try await withRig { rig in
            let error = await expectError(
                rig, .finish(reason: reason, message: "Unable to show the generated image."), code: "provider_safety_block",
                retryable: false)
            #expect(error?.message.contains(reason) == true)
            #expect(error?.detail.contains("Unable to show") == true)
        }
    }

    @Test func noImageFinishIsFinal() async throws {
        try await withRig { rig in
            let error = await expectError(rig, .finish(reason: "NO_IMAGE"), code: "provider_no_image", retryable: false)
            #expect(error?.detail.contains("NO_IMAGE") == true)
        }
    }

    @Test func textOnlyStopIsFinalNoImage() async throws {
        try await withRig { rig in
            let error = await expectError(
                rig, .textOnly("I can't draw that, but here is a description."), code: "provider_no_image", retryable: false)
            #expect(error?.detail.contains("here is a description") == true)
        }
    }

    // MARK: Errors

    @Test func perMinuteRateLimitIsRetryableAfterRetryDelay() async throws {
        try await withRig { rig in
            let error = await expectError(rig, .rateLimited(retryDelay: "34s"), code: "provider_rate_limited", retryable: true)
            #expect(error?.retryAfter == .seconds(34))
            #expect(error?.message.contains("exceeded your current quota") == true)
        }
    }

    @Test func fractionalRetryDelay() async throws {
        try await withRig { rig in
            let error = await expectError(rig, .rateLimited(retryDelay: "1.5s"), code: "provider_rate_limited", retryable: true)
            #expect(error?.retryAfter == .milliseconds(1500))
        }
    }

    @Test func perDayQuotaIsFinal() async throws {
        try await withRig { rig in
            let error = await expectError(rig, .rateLimited(perDay: true), code: "provider_quota_exhausted", retryable: false)
            #expect(error?.retryAfter == nil)
            #expect(error?.detail.contains("PerDay") == true)
        }
    }

    @Test(arguments: [500, 503])
    func serverErrorsAreRetryable(status: Int) async throws {
        try await withRig { rig in
            let error = await expectError(rig, .status(status), code: "provider_unavailable", retryable: true)
            #expect(error?.detail.contains("HTTP \(status)") == true)
        }
    }

    @Test func deadlineExceededIsARetryableTimeout() async throws {
        try await withRig { rig in
            _ = await expectError(
                rig, .status(504, message: "Deadline expired before operation could complete."), code: "provider_timeout", retryable: true)
        }
    }

    @Test func wrongKeyIsFinalAuthFailureWithoutTheKey() async throws {
        try await withRig(key: "AIzaWRONG-key-that-must-not-leak-42") { rig in
            let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
                try await rig.provider.generate(ImageAPIFixtures.request())
            }
            #expect(error?.code.rawValue == "provider_auth_failed")
            #expect(error?.retryable == false)
            #expect(error?.message.contains("API key not valid") == true)
            #expect(error?.description.contains("must-not-leak") == false)
            #expect(!rig.logs.text.contains("must-not-leak"))
        }
    }

    @Test func scriptedBadKeyIsFinal() async throws {
        try await withRig { rig in
            _ = await expectError(rig, .badKey, code: "provider_auth_failed", retryable: false)
        }
    }

    @Test func unknownModelIsFinalNotFound() async throws {
        try await withRig { rig in
            let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
                try await rig.provider.generate(ImageAPIFixtures.request(model: "gemini-0-nonexistent"))
            }
            #expect(error?.code.rawValue == "provider_not_found")
            #expect(error?.retryable == false)
            #expect(error?.message.contains("is not found") == true)
        }
    }

    @Test func badRequestKeepsTheProvidersMessage() async throws {
        try await withRig { rig in
            let error = await expectError(
                rig, .status(400, message: "User location is not supported for the API use."), code: "provider_bad_request",
                retryable: false)
            #expect(error?.message.contains("User location is not supported") == true)
        }
    }

    @Test func missingKeyFailsWithoutARequest() async throws {
        try await withRig(key: "") { rig in
            let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
                try await rig.provider.generate(ImageAPIFixtures.request())
            }
            #expect(error?.code.rawValue == "provider_not_configured")
            #expect(rig.fake.callCount == 0)
        }
    }

    // MARK: Broken answers

    @Test(arguments: [
        "<html>502 Bad Gateway</html>",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBOR",
    ])
    func malformedOrTruncatedJSONIsARetryableBadResponse(body: String) async throws {
        try await withRig { rig in
            let error = await expectError(rig, .malformed(body), code: "provider_bad_response", retryable: true)
            #expect(error?.detail.isEmpty == false)
        }
    }

    @Test func invalidBase64IsAFinalInvalidImage() async throws {
        try await withRig { rig in
            _ = await expectError(rig, .invalidBase64, code: "provider_invalid_image", retryable: false)
        }
    }

    @Test func bytesThatAreNotAnImageAreAFinalInvalidImage() async throws {
        try await withRig { rig in
            _ = await expectError(rig, .imageBytes(Array("definitely not a png".utf8)), code: "provider_invalid_image", retryable: false)
        }
    }

    @Test func truncatedImageIsAFinalInvalidImage() async throws {
        try await withRig { rig in
            let truncated = ImageFixtures.truncated(try ImageFixtures.png(seed: 9, width: 200, height: 200), keeping: 0.5)
            _ = await expectError(rig, .imageBytes(truncated), code: "provider_invalid_image", retryable: false)
        }
    }

    @Test func slowAnswerIsARetryableTimeout() async throws {
        try await withRig(timeout: .milliseconds(400)) { rig in
            let error = await expectError(rig, .delayed(.seconds(5), .image()), code: "provider_timeout", retryable: true)
            #expect(error?.detail.contains("http_timeout") == true)
        }
    }

    @Test func oversizedAnswerIsFinal() async throws {
        try await withRig(maxResponseBytes: 256 << 10) { rig in
            _ = await expectError(rig, .oversized(bytes: 1 << 20), code: "provider_response_too_large", retryable: false)
        }
    }

    @Test func unreachableServerIsRetryable() async throws {
        let fake = try await FakeGemini.start()
        let base = fake.baseURL
        await fake.stop()
        let logs = CapturedLog()
        let http = HTTPClient(logger: logs.logger("http"))
        defer { http.shutdown() }
        let provider = GeminiProvider(
            settings: ProviderSettings(name: "gemini", kind: "gemini", baseURL: base, apiKey: "AIzaKey-unreachable-123"), http: http,
            logger: logs.logger("gemini"))
        let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
            try await provider.generate(ImageAPIFixtures.request())
        }
        #expect(error?.code.rawValue == "provider_unreachable")
        #expect(error?.retryable == true)
    }

    // MARK: Secrets

    @Test func theKeyNeverReachesLogsOrErrors() async throws {
        try await withRig { rig in
            let behaviours: [FakeGemini.Behaviour] = [
                .image(), .rateLimited(), .rateLimited(perDay: true), .status(500), .badKey, .malformed("nope"), .invalidBase64,
                .promptBlocked(reason: "SAFETY"), .textOnly("hi"),
                .raw(
                    status: 400,
                    body: Array(
                        "{\"error\":{\"code\":400,\"message\":\"bad key \(rig.fake.apiKey)\",\"status\":\"INVALID_ARGUMENT\"}}".utf8)),
            ]
            for behaviour in behaviours {
                rig.fake.enqueue(behaviour)
                do {
                    _ = try await rig.provider.generate(ImageAPIFixtures.request())
                } catch {
                    #expect(!"\(error)".contains(rig.fake.apiKey))
                }
            }
            #expect(rig.fake.callCount == behaviours.count)
            #expect(!rig.logs.text.isEmpty)
            #expect(!rig.logs.text.contains(rig.fake.apiKey))
        }
    }
}
