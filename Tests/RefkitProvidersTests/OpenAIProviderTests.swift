import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

@Suite(.timeLimit(.minutes(1)))
struct OpenAIProviderTests {
    struct Rig {
        let fake: FakeOpenAI
        let provider: OpenAIProvider
        let http: HTTPClient
        let logs: CapturedLog
    }

    func withRig(
        key: String? = nil, timeout: Duration = .seconds(30), extra: [String: String] = [:],
        maxResponseBytes: Int = ProviderHTTP.maxResponseBytes,
        _ body: (Rig) async throws -> Void
    ) async throws {
        let fake = try await FakeOpenAI.start()
        let logs = CapturedLog()
        let http = HTTPClient(logger: logs.logger("http"))
        let settings = ProviderSettings(
            name: "openai", kind: "openai", baseURL: fake.baseURL, model: "gpt-image-1", apiKey: key ?? fake.apiKey, timeout: timeout,
            pricePerImageUSD: 0.167, extra: extra)
        let rig = Rig(
            fake: fake,
            provider: OpenAIProvider(settings: settings, http: http, logger: logs.logger("openai"), maxResponseBytes: maxResponseBytes),
            http: http, logs: logs)
        do {
            try await body(rig)
        } catch {
            http.shutdown()
            await fake.stop()
            throw error
        }
        http.shutdown()
        await fake.stop()
    }

    func expectError(
        _ rig: Rig, _ behaviour: FakeOpenAI.Behaviour, code: String, retryable: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> ProviderError? {
        rig.fake.enqueue(behaviour)
        let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
            try await rig.provider.generate(ImageAPIFixtures.request())
        }
        #expect(error?.code.rawValue == code, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        #expect(error?.retryable == retryable, sourceLocation: sourceLocation)
        if let error { #expect(!error.description.contains(rig.fake.apiKey), sourceLocation: sourceLocation) }
        return error
    }

    // MARK: Success

    @Test func editsWithEveryReferenceAsImageParts() async throws {
        try await withRig(extra: ["quality": "high"]) { rig in
            let image = try await rig.provider.generate(ImageAPIFixtures.request())
            #expect(image.bytes == rig.fake.image)
            #expect(image.mime == "image/png")
            #expect(image.width == 64 && image.height == 64)
            #expect(image.model == "gpt-image-1")
            #expect(image.costUSD == 0.167)

            let sent = try #require(rig.fake.requests.first)
            #expect(sent.path == "/v1/images/edits")
            #expect(sent.headers["authorization"] == "Bearer \(rig.fake.apiKey)")
            #expect(sent.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(sent.parts.map(\.name) == ["model", "prompt", "image[]", "image[]", "image[]", "size", "quality", "n"])
            #expect(sent.field("model") == "gpt-image-1")
            #expect(sent.field("prompt") == "Draw the character from the side")
            #expect(sent.field("size") == "1024x1536")
            #expect(sent.field("quality") == "high")
            #expect(sent.field("n") == "1")
            #expect(
                sent.images.map(\.bytes) == [ImageAPIFixtures.source.bytes, ImageAPIFixtures.locked.bytes, ImageAPIFixtures.extra.bytes])
            #expect(sent.images.map(\.contentType) == ["image/jpeg", "image/png", "image/png"])
            #expect(sent.images.allSatisfy { $0.filename != nil })
        }
    }

    @Test func sizeFromSettingsWins() async throws {
        try await withRig(extra: ["size": "1536x1024"]) { rig in
            _ = try await rig.provider.generate(ImageAPIFixtures.request())
            #expect(rig.fake.requests.first?.field("size") == "1536x1024")
        }
    }

    @Test(arguments: [(1024, 1024, "1024x1024"), (768, 1024, "1024x1536"), (1920, 1080, "1536x1024"), (1000, 1100, "1024x1024")])
    func picksTheNearestSize(width: Int, height: Int, size: String) {
        #expect(OpenAIProvider.size(width: width, height: height) == size)
    }

    @Test func textOnlyStageUsesGenerations() async throws {
        try await withRig { rig in
            let image = try await rig.provider.generate(ImageAPIFixtures.request(width: 1024, height: 1024, images: false))
            #expect(image.bytes == rig.fake.image)
            let sent = try #require(rig.fake.requests.first)
            #expect(sent.path == "/v1/images/generations")
            #expect(sent.json?["model"] == .string("gpt-image-1"))
            #expect(sent.field("size") == "1024x1024")
            #expect(sent.field("n") == "1")
        }
    }

    // MARK: Errors

    @Test func moderationBlockIsAFinalSafetyBlock() async throws {
        try await withRig { rig in
            let error = await expectError(
                rig, .moderationBlocked(stage: "output", categories: ["sexual"]), code: "provider_safety_block", retryable: false)
            #expect(error?.message.contains("safety system") == true)
            #expect(error?.detail.contains("moderation_blocked") == true)
            #expect(error?.detail.contains("output moderation: sexual") == true)
        }
    }

    @Test func contentPolicyViolationIsAFinalSafetyBlock() async throws {
        try await withRig { rig in
            _ = await expectError(rig, .contentPolicyViolation, code: "provider_safety_block", retryable: false)
        }
    }

    @Test func rateLimitUsesRetryAfterSeconds() async throws {
        try await withRig { rig in
            let error = await expectError(rig, .rateLimited(retryAfter: "20"), code: "provider_rate_limited", retryable: true)
            #expect(error?.retryAfter == .seconds(20))
            #expect(error?.message.contains("Rate limit reached") == true)
        }
    }

    @Test func rateLimitUsesRetryAfterDate() async throws {
        try await withRig { rig in
            let date = Date(timeIntervalSinceNow: 3600)
            var t = time_t(date.timeIntervalSince1970)
            var parts = tm()
            gmtime_r(&t, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let error = await expectError(rig, .rateLimited(retryAfter: text), code: "provider_rate_limited", retryable: true)
            let after = try #require(error?.retryAfter)
            #expect(after > .seconds(3590) && after <= .seconds(3601))
        }
    }

    @Test func rateLimitWithoutRetryAfterUsesTheResetHeader() async throws {
        try await withRig { rig in
            let error = await expectError(
                rig, .rateLimited(retryAfter: nil, resetRequests: "1m30s"), code: "provider_rate_limited", retryable: true)
            #expect(error?.retryAfter == .seconds(90))
        }
    }

    @Test func insufficientQuotaIsFinal() async throws {
        try await withRig { rig in
            let error = await expectError(rig, .insufficientQuota, code: "provider_quota_exhausted", retryable: false)
            #expect(error?.retryAfter == nil)
        }
    }

    @Test(arguments: [500, 502, 503])
    func serverErrorsAreRetryable(status: Int) async throws {
        try await withRig { rig in
            _ = await expectError(rig, .status(status), code: "provider_unavailable", retryable: true)
        }
    }

    @Test func wrongKeyIsFinalAuthFailureWithoutTheKey() async throws {
        let key = "sk-WRONG-key-that-must-not-leak-4242"
        try await withRig(key: key) { rig in
            let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in
                try await rig.provider.generate(ImageAPIFixtures.request())
            }
            #expect(error?.code.rawValue == "provider_auth_failed")
            #expect(error?.retryable == false)
            #expect(error?.message.contains("Incorrect API key") == true)
            #expect(error?.description.contains(key) == false)
            #expect(!rig.logs.text.contains(key))
        }
    }

    @Test func missingPromptIsAFinalBadRequestWithOpenAIsMessage() async throws {
        try await withRig { rig in
            var request = ImageAPIFixtures.request()
            request.prompt = ""
            let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in try await rig.provider.generate(request) }
            #expect(error?.code.rawValue == "provider_bad_request")
            #expect(error?.retryable == false)
            #expect(error?.message.contains("Missing required parameter: 'prompt'") == true)
        }
    }

    @Test func unsupportedInputImageIsAFinalBadRequest() async throws {
        try await withRig { rig in
            var request = ImageAPIFixtures.request()
            request.source = ReferenceImage(bytes: Array("GIF89a-not-really".utf8), mime: "image/gif")
            let error = await ImageAPIFixtures.failure { () async throws(ProviderError) in try await rig.provider.generate(request) }
            #expect(error?.code.rawValue == "provider_bad_request")
            #expect(error?.message.contains("unsupported mimetype") == true)
        }
    }

    // MARK: Broken answers

    @Test(arguments: ["Service temporarily unavailable", "{\"created\":1,\"data\":[{\"b64_json\":\"iVBO"])
    func malformedOrTruncatedJSONIsARetryableBadResponse(body: String) async throws {
        try await withRig { rig in
            _ = await expectError(rig, .malformed(body), code: "provider_bad_response", retryable: true)
        }
    }

    @Test func invalidBase64IsAFinalInvalidImage() async throws {
        try await withRig { rig in
            _ = await expectError(rig, .invalidBase64, code: "provider_invalid_image", retryable: false)
        }
    }

    @Test func bytesThatAreNotAnImageAreAFinalInvalidImage() async throws {
        try await withRig { rig in
            _ = await expectError(rig, .imageBytes(Array(repeating: 0x42, count: 500)), code: "provider_invalid_image", retryable: false)
        }
    }

    @Test func slowAnswerIsARetryableTimeout() async throws {
        try await withRig(timeout: .milliseconds(400)) { rig in
            _ = await expectError(rig, .delayed(.seconds(5), .image), code: "provider_timeout", retryable: true)
        }
    }

    @Test func oversizedAnswerIsFinal() async throws {
        try await withRig(maxResponseBytes: 256 << 10) { rig in
            _ = await expectError(rig, .oversized(bytes: 1 << 20), code: "provider_response_too_large", retryable: false)
        }
    }

    @Test func goDurations() {
        #expect(OpenAIProvider.parseGoDuration("12ms") == .milliseconds(12))
        #expect(OpenAIProvider.parseGoDuration("20s") == .seconds(20))
        #expect(OpenAIProvider.parseGoDuration("6m0s") == .seconds(360))
        #expect(OpenAIProvider.parseGoDuration("1.5s") == .milliseconds(1500))
        #expect(OpenAIProvider.parseGoDuration("soon") == nil)
        #expect(OpenAIProvider.parseGoDuration("") == nil)
    }

    // MARK: Secrets

    @Test func theKeyNeverReachesLogsOrErrors() async throws {
        try await withRig { rig in
            let behaviours: [FakeOpenAI.Behaviour] = [
                .image, .moderationBlocked(), .rateLimited(), .insufficientQuota, .status(500), .badKey, .malformed("x"), .invalidBase64,
                .raw(
                    status: 401,
                    body: Array(
                        "{\"error\":{\"message\":\"bad key \(rig.fake.apiKey)\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"
                            .utf8)),
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
