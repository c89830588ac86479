import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitProviders
import RefkitTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ReplicateProviderTests {
    static let model = "black-forest-labs/flux-kontext-pro"

    static func request(source: [UInt8], locked: [UInt8]?, references: [[UInt8]] = []) -> GenerationRequest {
        GenerationRequest(
            kitID: "kit-2", stage: .side, prompt: "Side view, same outfit", source: ReferenceImage(bytes: source, mime: "image/jpeg"),
            lockedReference: locked.map { ReferenceImage(bytes: $0, mime: "image/png") },
            references: references.map { ReferenceImage(bytes: $0, mime: "image/png") },
            width: 768, height: 1024, seed: 99)
    }

    static func provider(
        _ fake: FakeReplicate, http: HTTPClient, key: String? = nil, apiRoot: Bool = true, extra: [String: String] = [:],
        logger: Logger? = nil,
        timeout: Duration = .seconds(90), pollInterval: Duration = .milliseconds(5), maxImageBytes: Int = 8 << 20
    ) -> ReplicateProvider {
        let settings = ProviderSettings(
            name: "replicate", kind: "replicate", baseURL: apiRoot ? fake.baseURL + "/v1" : fake.baseURL, model: model,
            apiKey: key ?? fake.token,
            timeout: timeout, pricePerImageUSD: 0.05,
            extra: ["version": "", "prompt_field": "prompt", "image_field": "input_image"].merging(extra) { $1 })
        return ReplicateProvider(
            settings: settings, http: http, logger: logger ?? Logger(label: "test.replicate"), pollInterval: pollInterval,
            maxImageBytes: maxImageBytes)
    }

    static func failure(_ provider: ReplicateProvider, _ request: GenerationRequest) async -> ProviderError? {
        do {
            _ = try await provider.generate(request)
            Issue.record("expected the provider to fail")
            return nil
        } catch {
            return error
        }
    }

    static func decoded(_ value: JSONValue?) -> [UInt8]? {
        guard case .string(let uri)? = value else { return nil }
        return FakeFal.DataURI.decode(uri)?.bytes
    }

    /// Runs `body` with a started fake, an HTTP client and fixture images.
    static func run(_ body: (FakeReplicate, HTTPClient, _ source: [UInt8], _ locked: [UInt8]) async throws -> Void) async throws {
        let source = try ImageFixtures.jpeg(seed: 11)
        let locked = try ImageFixtures.png(seed: 12)
        try await FakeReplicate.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            try await body(fake, http, source, locked)
        }
    }

    // MARK: - Success

    @Test func preferWaitAnswersTheFinishedPredictionInOneCall() async throws {
        try await Self.run { fake, http, source, locked in
            let image = try await Self.provider(fake, http: http).generate(Self.request(source: source, locked: locked))
            #expect(image.bytes == fake.resultImage)
            #expect(image.mime == "image/png" && image.width == 36 && image.height == 28)
            #expect(image.costUSD == 0.05)
            #expect(image.model == Self.model)

            let create = try #require(fake.calls(.create).first)
            #expect(create.path == "/v1/models/black-forest-labs/flux-kontext-pro/predictions")
            #expect(create.header("authorization") == "Bearer \(fake.token)")
            #expect(create.header("prefer") == "wait")
            #expect(create.header("content-type") == "application/json")
            let input = try #require(create.json?["input"])
            #expect(input["prompt"] == .string("Side view, same outfit"))
            #expect(Self.decoded(input["input_image"]) == locked)
            #expect(input["seed"] == .number(99, isInteger: true))
            #expect(create.json?["version"] == nil)
            #expect(fake.count(.get) == 0)
            let download = try #require(fake.calls(.file).first)
            #expect(download.header("authorization") == nil)
        }
    }

    @Test func anUnfinishedPredictionIsPolledAtUrlsGet() async throws {
        try await Self.run { fake, http, source, _ in
            fake.setFinishesWithinWait(false)
            // A base URL without /v1 works too.
            let image = try await Self.provider(fake, http: http, apiRoot: false).generate(Self.request(source: source, locked: nil))
            #expect(image.bytes == fake.resultImage)
            #expect(fake.count(.create) == 1)
            let gets = fake.calls(.get)
            #expect(gets.count == 2)  // processing, succeeded
            #expect(gets.allSatisfy { $0.path.hasPrefix("/v1/predictions/") && $0.header("authorization") == "Bearer \(fake.token)" })
            #expect(Self.decoded(fake.calls(.create).first?.json?["input"]?["input_image"]) == source)
        }
    }

    @Test func aPinnedVersionUsesThePredictionsRoute() async throws {
        try await Self.run { fake, http, source, locked in
            let version = "5a6809ca6288247d06daf6365557e5e429063f32a21146b2a807c682652136b8"
            _ = try await Self.provider(fake, http: http, extra: ["version": version]).generate(
                Self.request(source: source, locked: locked))
            let create = try #require(fake.calls(.create).first)
            #expect(create.path == "/v1/predictions")
            #expect(create.json?["version"] == .string(version))
        }
    }

    @Test func configurableFieldsAndAListOfImages() async throws {
        try await Self.run { fake, http, source, locked in
            let extra = try ImageFixtures.png(seed: 13)
            let provider = Self.provider(fake, http: http, extra: ["prompt_field": "text", "images_field": "input_images"])
            _ = try await provider.generate(Self.request(source: source, locked: locked, references: [extra]))
            let input = try #require(fake.calls(.create).first?.json?["input"])
            #expect(input["text"] == .string("Side view, same outfit"))
            #expect(input["prompt"] == nil && input["input_image"] == nil)
            guard case .array(let uris)? = input["input_images"] else {
                Issue.record("no input_images")
                return
            }
            #expect(uris.map { Self.decoded($0) } == [source, locked, extra])
        }
    }

    @Test func aListOutputTakesTheFirstURL() async throws {
        try await Self.run { fake, http, source, locked in
            let other = try ImageFixtures.png(seed: 14, width: 12, height: 12)
            fake.host("second.png", bytes: other, contentType: "image/png")
            fake.setOutput(#"["{base}/files/out.png","{base}/files/second.png"]"#)
            let image = try await Self.provider(fake, http: http).generate(Self.request(source: source, locked: locked))
            #expect(image.bytes == fake.resultImage)
            #expect(fake.calls(.file).map(\.path) == ["/files/out.png"])
        }
    }

    @Test func aTransientPollFailureIsAskedAgain() async throws {
        try await Self.run { fake, http, source, locked in
            fake.setFinishesWithinWait(false)
            fake.script(.get, .json(502, #"{"detail":"Bad gateway"}"#))
            let image = try await Self.provider(fake, http: http).generate(Self.request(source: source, locked: locked))
            #expect(image.bytes == fake.resultImage)
            #expect(fake.count(.create) == 1)
        }
    }

    // MARK: - Errors

    @Test(arguments: [
        ("NSFW content detected. Try running it again, or try a different prompt.", "provider_safety_block"),
        ("Your input was flagged by the safety checker", "provider_safety_block"),
        ("CUDA error: out of memory", "provider_failed"),
    ])
    func aFailedPredictionIsFinal(errorText: String, code: String) async throws {
        try await Self.run { fake, http, source, locked in
            fake.setStatusSequence(["starting", "processing", "failed"])
            fake.setFailure(errorText)
            let error = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == code)
            #expect(!error.retryable)
            #expect(error.message.contains(errorText))
            #expect(fake.count(.file) == 0)
        }
    }

    @Test func canceledIsFinalAndAbortedIsRetryable() async throws {
        try await Self.run { fake, http, source, locked in
            fake.setStatusSequence(["canceled"])
            let canceled = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(canceled.code.rawValue == "provider_failed" && !canceled.retryable)
            fake.setStatusSequence(["aborted"])
            let aborted = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(aborted.code.rawValue == "provider_failed" && aborted.retryable)
        }
    }

    @Test(
        arguments: [
            (429, ["retry-after": "12"], #"{"detail":"Request was throttled."}"#, "provider_rate_limited", Duration.seconds(12)),
            (
                429, [:], #"{"detail":"Request was throttled. Your rate limit resets in ~30s."}"#, "provider_rate_limited",
                Duration.seconds(30)
            ),
            (500, [:], #"{"detail":"Internal server error"}"#, "provider_unavailable", nil),
            (503, ["retry-after": "2"], "Service Unavailable", "provider_unavailable", Duration.seconds(2)),
        ] as [(Int, [String: String], String, String, Duration?)])
    func rateLimitsAndServerErrorsAreRetryable(
        status: Int, headers: [String: String], body: String, code: String, retryAfter: Duration?
    ) async throws {
        try await Self.run { fake, http, source, locked in
            fake.script(.create, FakeReplicate.Reply(status: status, headers: headers, body: Array(body.utf8)))
            let error = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == code)
            #expect(error.retryable)
            #expect(error.retryAfter == retryAfter)
        }
    }

    @Test func invalidInputIsAFinalBadRequest() async throws {
        try await Self.run { fake, http, source, locked in
            fake.script(
                .create,
                .json(422, #"{"title":"Input validation failed","detail":"- input.aspect_ratio: must be one of ...","status":422}"#))
            let error = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_bad_request")
            #expect(!error.retryable)
            #expect(error.message.contains("Input validation failed"))
        }
    }

    @Test func aRejectedTokenNeverAppearsInTheErrorOrTheLog() async throws {
        try await Self.run { fake, http, source, locked in
            let capture = CapturedLog()
            let wrong = fake.token
            // A server that echoes the token it refused.
            fake.script(.create, .json(401, #"{"title":"Unauthenticated","detail":"Invalid token \#(wrong)","status":401}"#))
            let logged = HTTPClient(logger: capture.logger)
            defer { logged.shutdown() }
            let provider = Self.provider(fake, http: logged, logger: capture.logger)
            let error = try #require(await Self.failure(provider, Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_auth_failed")
            #expect(!error.retryable)
            #expect(!error.description.contains(wrong))
            #expect(error.description.contains("Invalid token"))
            #expect(!capture.text.isEmpty)
            #expect(!capture.text.contains(wrong))
        }
    }

    @Test func aMissingModelIsNotConfigured() async throws {
        try await Self.run { fake, http, source, locked in
            let settings = ProviderSettings(name: "replicate", kind: "replicate", baseURL: fake.baseURL, model: nil, apiKey: fake.token)
            let error = try #require(
                await Self.failure(ReplicateProvider(settings: settings, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_not_configured")
            #expect(fake.allCalls.isEmpty)
        }
    }

    @Test func malformedJSONIsABadResponse() async throws {
        try await Self.run { fake, http, source, locked in
            fake.script(.create, .json(201, #"{"id":"x","status":"#))
            let error = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_bad_response")
        }
    }

    @Test(arguments: ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/out.png", "http://172.16.4.4/out.png"])
    func anOutputURLToAPrivateAddressIsRefused(url: String) async throws {
        try await Self.run { fake, http, source, locked in
            fake.setOutput(#""\#(url)""#)
            let error = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_url_refused")
            #expect(!error.retryable)
        }
    }

    @Test func aDownloadThatIsNotAnImageIsInvalid() async throws {
        try await Self.run { fake, http, source, locked in
            fake.host("out.png", bytes: Array("{\"error\":\"gone\"}".utf8), contentType: "image/png")
            let error = try #require(await Self.failure(Self.provider(fake, http: http), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_invalid_image")
            #expect(!error.retryable)
        }
    }

    @Test func anOversizedDownloadIsFinal() async throws {
        try await Self.run { fake, http, source, locked in
            fake.host("out.png", bytes: [UInt8](repeating: 7, count: 64 << 10), contentType: "image/png")
            let error = try #require(
                await Self.failure(Self.provider(fake, http: http, maxImageBytes: 16 << 10), Self.request(source: source, locked: locked)))
            #expect(error.code.rawValue == "provider_response_too_large")
            #expect(!error.retryable)
        }
    }

    @Test func aShortTimeoutAsksForAShorterWait() async throws {
        try await Self.run { fake, http, source, locked in
            _ = try await Self.provider(fake, http: http, timeout: .seconds(20)).generate(Self.request(source: source, locked: locked))
            #expect(fake.calls(.create).first?.header("prefer") == "wait=15")
        }
    }

    @Test func cancellationMidPollReturnsPromptlyAndCancelsThePrediction() async throws {
        try await Self.run { fake, http, source, locked in
            fake.setFinishesWithinWait(false)
            fake.setStatusSequence(["starting", "processing"])
            let provider = Self.provider(fake, http: http, pollInterval: .milliseconds(200))
            let task = Task { try await provider.generate(Self.request(source: source, locked: locked)) }
            try await eventually("a poll", timeout: .seconds(20)) { fake.count(.get) >= 1 }
            let cancelled = ContinuousClock.now
            task.cancel()
            let result = await task.result
            // The prediction never ends: without the cancel it would run to the 90 s timeout. 20 s leaves a loaded
            // machine room (2.8 s was seen beside three builds) and still tells the cancel from the timeout.
            #expect(ContinuousClock.now - cancelled < .seconds(20))
            guard case .failure(let failure) = result, let error = failure as? ProviderError else {
                Issue.record("expected a provider error")
                return
            }
            #expect(error.code.rawValue == "provider_cancelled")
            try await eventually("the cancel request", timeout: .seconds(10)) { fake.count(.cancel) == 1 }
        }
    }
}
