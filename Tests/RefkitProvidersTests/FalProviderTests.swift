import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitProviders
import RefkitTestSupport
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct FalProviderTests {
    static let app = "fal-ai/flux-pro/kontext"

    struct Images {
        let source: [UInt8]
        let locked: [UInt8]
        let extra: [UInt8]

        init() throws {
            source = try ImageFixtures.jpeg(seed: 1)
            locked = try ImageFixtures.png(seed: 2)
            extra = try ImageFixtures.png(seed: 3)
        }

        func request(locked withLocked: Bool = true, references: Bool = true) -> GenerationRequest {
            GenerationRequest(
                kitID: "kit-1", stage: .front, prompt: "Front view of \"Mira\", full body",
                source: ReferenceImage(bytes: source, mime: "image/jpeg"),
                lockedReference: withLocked ? ReferenceImage(bytes: locked, mime: "image/png") : nil,
                references: references ? [ReferenceImage(bytes: extra, mime: "image/png")] : [], width: 768, height: 1024, seed: 4242)
        }
    }

    static func settings(_ fal: FakeFal, key: String? = nil, baseURL: String? = nil, extra: [String: String] = [:]) -> ProviderSettings {
        ProviderSettings(
            name: "fal", kind: "fal", baseURL: baseURL ?? fal.baseURL, model: "kontext-pro", apiKey: key ?? fal.key, timeout: .seconds(30),
            pricePerImageUSD: 0.04, extra: ["app_id": app, "images_field": "image_urls"].merging(extra) { $1 })
    }

    static func provider(
        _ fal: FakeFal, http: HTTPClient, key: String? = nil, baseURL: String? = nil, extra: [String: String] = [:], logger: Logger? = nil,
        pollInterval: Duration = .milliseconds(5), maxImageBytes: Int = 8 << 20
    ) -> FalProvider {
        FalProvider(
            settings: settings(fal, key: key, baseURL: baseURL, extra: extra), http: http, logger: logger ?? Logger(label: "test.fal"),
            pollInterval: pollInterval, maxImageBytes: maxImageBytes)
    }

    /// The error `generate` throws (a recorded issue when it succeeds).
    static func failure(_ provider: FalProvider, _ request: GenerationRequest) async -> ProviderError? {
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

    // MARK: - Success

    @Test func queueFlowFollowsReturnedURLsThroughInQueueInProgressCompleted() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let image = try await Self.provider(fal, http: http).generate(images.request())

            #expect(image.bytes == fal.resultImage)
            #expect(image.mime == "image/png")
            #expect(image.width == 40 && image.height == 30)
            #expect(image.costUSD == 0.04)
            #expect(image.model == "kontext-pro")

            // Submitted to the app with its subpath, polled and fetched without it.
            let submit = try #require(fal.calls(.submit).first)
            #expect(submit.method == "POST" && submit.path == "/fal-ai/flux-pro/kontext")
            let statuses = fal.calls(.status)
            #expect(statuses.count == 3)
            #expect(statuses.allSatisfy { $0.path.hasPrefix("/fal-ai/flux-pro/requests/") && $0.path.hasSuffix("/status") })
            let results = fal.calls(.result)
            #expect(results.count == 1)
            #expect(results.first.map { $0.path.hasPrefix("/fal-ai/flux-pro/requests/") && !$0.path.hasSuffix("/status") } == true)
            #expect(fal.count(.unknown) == 0)

            // Every API call carries the key; the CDN download does not.
            for call in fal.calls(.submit) + statuses + results { #expect(call.header("authorization") == "Key \(fal.key)") }
            let download = try #require(fal.calls(.file).first)
            #expect(download.path == "/files/result.png")
            #expect(download.header("authorization") == nil)

            // The input: prompt, source + locked reference + references as data URIs, seed.
            #expect(submit.header("content-type") == "application/json")
            let input = try #require(submit.json)
            #expect(input["prompt"] == .string("Front view of \"Mira\", full body"))
            guard case .array(let uris)? = input["image_urls"] else {
                Issue.record("no image_urls")
                return
            }
            #expect(uris.map { Self.decoded($0) } == [images.source, images.locked, images.extra])
            #expect(FakeFal.DataURI.decode(uris[0].stringValueForTest)?.mime == "image/jpeg")
            #expect(input["seed"] == .number(4242, isInteger: true))
        }
    }

    @Test func singleImageFieldSendsTheLockedReferenceElseTheSource() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let provider = Self.provider(fal, http: http, extra: ["images_field": "", "image_field": "image_url"])
            _ = try await provider.generate(images.request())
            _ = try await provider.generate(images.request(locked: false, references: false))
            let inputs = fal.calls(.submit).compactMap(\.json)
            #expect(inputs.count == 2)
            #expect(Self.decoded(inputs.first?["image_url"]) == images.locked)
            #expect(Self.decoded(inputs.last?["image_url"]) == images.source)
            #expect(inputs.allSatisfy { $0["image_urls"] == nil })
        }
    }

    @Test func depthControlNetFieldNames() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let provider = Self.provider(
                fal, http: http,
                extra: [
                    "app_id": "fal-ai/flux-pro/v1/depth", "images_field": "", "image_field": "control_image_url", "prompt_field": "prompt",
                ])
            _ = try await provider.generate(images.request(locked: false))
            let submit = try #require(fal.calls(.submit).first)
            #expect(submit.path == "/fal-ai/flux-pro/v1/depth")
            #expect(Self.decoded(submit.json?["control_image_url"]) == images.source)
            #expect(submit.json?["image_url"] == nil)
            #expect(fal.calls(.status).allSatisfy { $0.path.hasPrefix("/fal-ai/flux-pro/requests/") })
        }
    }

    @Test func faceSwapAppWithASingleImageOutput() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.setOutput(#"{"image":{"url":"{base}/files/result.png","content_type":"image/png","width":40,"height":30}}"#)
            let provider = Self.provider(
                fal, http: http, extra: ["app_id": "fal-ai/face-swap", "images_field": "", "image_field": "swap_image_url"])
            let image = try await provider.generate(images.request())
            #expect(image.bytes == fal.resultImage)
            #expect(Self.decoded(fal.calls(.submit).first?.json?["swap_image_url"]) == images.locked)
        }
    }

    @Test func outputFieldOverrideAcceptsADottedPath() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.setOutput(#"{"images":[],"data":{"result":[{"url":"{base}/files/result.png"}]}}"#)
            let image = try await Self.provider(fal, http: http, extra: ["output_field": "data.result"]).generate(images.request())
            #expect(image.bytes == fal.resultImage)
        }
    }

    @Test func dataURIOutputIsDecodedWithoutADownload() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let png = try ImageFixtures.png(seed: 9, width: 20, height: 10)
            fal.setOutput(#"{"images":[{"url":"data:image/png;base64,\#(Data(png).base64EncodedString())"}]}"#)
            let image = try await Self.provider(fal, http: http).generate(images.request())
            #expect(image.bytes == png)
            #expect(image.width == 20 && image.height == 10)
            #expect(fal.count(.file) == 0)
        }
    }

    @Test func syncModeCallsTheBlockingAPIOnce() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let provider = Self.provider(fal, http: http, baseURL: fal.syncBaseURL, extra: ["mode": "sync"])
            let image = try await provider.generate(images.request())
            #expect(image.bytes == fal.resultImage)
            #expect(fal.calls(.sync).map(\.path) == ["/sync/fal-ai/flux-pro/kontext"])
            #expect(fal.count(.submit) + fal.count(.status) + fal.count(.result) == 0)
        }
    }

    @Test func aTransientStatusPollFailureIsAskedAgain() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(.status, .json(503, #"{"detail":"runner unavailable","error_type":"runner_unavailable"}"#))
            let image = try await Self.provider(fal, http: http).generate(images.request())
            #expect(image.bytes == fal.resultImage)
            #expect(fal.count(.submit) == 1)
            #expect(fal.count(.status) == 4)
        }
    }

    // MARK: - Errors

    @Test func contentPolicyViolationIsAFinalSafetyBlock() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(
                .submit,
                .json(
                    422,
                    #"{"detail":[{"loc":["body","prompt"],"msg":"The content could not be processed because it contained material flagged by a content checker.","type":"content_policy_violation","url":"https://docs.fal.ai/errors#content_policy_violation","ctx":{}}]}"#,
                    headers: ["x-fal-retryable": "false"]))
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_safety_block")
            #expect(!error.retryable)
            #expect(error.message.contains("content checker"))
        }
    }

    @Test func otherValidationErrorsAreFinalBadRequestsWithFalsMessage() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(
                .submit,
                .json(
                    422,
                    #"{"detail":[{"loc":["body","guidance_scale"],"msg":"Input should be less than or equal to 20","type":"less_than_equal"}]}"#
                ))
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_bad_request")
            #expect(!error.retryable)
            #expect(error.message.contains("guidance_scale: Input should be less than or equal to 20"))
        }
    }

    @Test(
        arguments: [
            (429, ["retry-after": "7"], #"{"detail":"Too many requests"}"#, "provider_rate_limited", Duration.seconds(7)),
            (503, [:], #"{"detail":"Runner failed","error_type":"runner_scheduling_failure"}"#, "provider_unavailable", nil),
            (500, ["retry-after": "3"], "Internal Server Error", "provider_unavailable", Duration.seconds(3)),
            (
                504, ["x-fal-error-type": "request_timeout"], #"{"detail":"Request timed out","error_type":"request_timeout"}"#,
                "provider_timeout", nil
            ),
        ] as [(Int, [String: String], String, String, Duration?)])
    func rateLimitsAndServerErrorsAreRetryable(
        status: Int, headers: [String: String], body: String, code: String, retryAfter: Duration?
    ) async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(.submit, FakeFal.Reply(status: status, headers: headers, body: Array(body.utf8)))
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == code)
            #expect(error.retryable)
            #expect(error.retryAfter == retryAfter)
        }
    }

    @Test func aRejectedKeyNeverAppearsInTheErrorOrTheLog() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let capture = CapturedLog()
            let http = HTTPClient(logger: capture.logger)
            defer { http.shutdown() }
            let wrong = fal.key
            // A server that echoes the key it refused.
            fal.script(.submit, .json(401, #"{"detail":"Invalid key: \#(wrong)"}"#))
            let provider = Self.provider(fal, http: http, logger: capture.logger)
            let error = try #require(await Self.failure(provider, images.request()))
            #expect(error.code.rawValue == "provider_auth_failed")
            #expect(!error.retryable)
            #expect(!error.description.contains(wrong))
            #expect(error.description.contains("Invalid key"))
            #expect(!capture.text.isEmpty)
            #expect(!capture.text.contains(wrong))
            #expect(fal.calls(.submit).first?.header("authorization") == "Key \(wrong)")
        }
    }

    @Test func aSuccessfulRunLogsNoKey() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let capture = CapturedLog()
            let http = HTTPClient(logger: capture.logger)
            defer { http.shutdown() }
            _ = try await Self.provider(fal, http: http, logger: capture.logger).generate(images.request())
            #expect(!capture.text.isEmpty)
            #expect(!capture.text.contains(fal.key))
        }
    }

    @Test func aMissingKeyIsNotConfigured() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            var settings = Self.settings(fal)
            settings.apiKey = nil
            let error = try #require(await Self.failure(FalProvider(settings: settings, http: http), images.request()))
            #expect(error.code.rawValue == "provider_not_configured")
            #expect(fal.allCalls.isEmpty)
        }
    }

    @Test func aFailedRequestIsFinalWithFalsMessage() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(.status, .json(200, #"{"status":"FAILED","error":"CUDA out of memory"}"#))
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_failed")
            #expect(!error.retryable)
            #expect(error.message.contains("CUDA out of memory"))
            #expect(fal.count(.result) == 0)
        }
    }

    @Test func nsfwConceptsInTheOutputAreASafetyBlock() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.setOutput(#"{"images":[{"url":"{base}/files/result.png"}],"has_nsfw_concepts":[true]}"#)
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_safety_block")
            #expect(!error.retryable)
            #expect(fal.count(.file) == 0)
        }
    }

    @Test func malformedJSONIsABadResponse() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(.result, .json(200, #"{"images":[{"url":"#))
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_bad_response")
        }
    }

    @Test func anOutputWithoutAnImageIsNoImage() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.setOutput(#"{"images":[],"seed":1}"#)
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_no_image")
            #expect(!error.retryable)
        }
    }

    @Test(arguments: [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://10.1.2.3/result.png", "https://192.168.1.20/x.png",
        "http://[::1]:8080/x.png", "file:///etc/passwd",
    ])
    func aResultURLToAPrivateAddressIsRefused(url: String) async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.setOutput(#"{"images":[{"url":"\#(url)"}]}"#)
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_url_refused")
            #expect(!error.retryable)
        }
    }

    @Test func aResultURLNamingLocalhostIsRefusedThoughTheBaseHostIsTrusted() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let port = fal.baseURL.split(separator: ":").last ?? ""
            fal.setOutput(#"{"images":[{"url":"http://localhost:\#(port)/files/result.png"}]}"#)
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_url_refused")
            #expect(fal.count(.file) == 0)
        }
    }

    @Test func queueURLsPointingAwayFromFalAreNotFollowed() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.script(
                .submit,
                .json(
                    200,
                    #"{"request_id":"r1","status":"IN_QUEUE","status_url":"https://collector.example/r1/status","response_url":"https://collector.example/r1"}"#
                ))
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_bad_response")
            #expect(!error.retryable)
            #expect(fal.count(.status) == 0)
        }
    }

    @Test func aDownloadThatIsNotAnImageIsInvalid() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.host("result.png", bytes: Array("<html>Access denied</html>".utf8), contentType: "image/png")
            let error = try #require(await Self.failure(Self.provider(fal, http: http), images.request()))
            #expect(error.code.rawValue == "provider_invalid_image")
            #expect(!error.retryable)
        }
    }

    @Test func anOversizedDownloadIsFinal() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.host("result.png", bytes: [UInt8](repeating: 0x42, count: 64 << 10), contentType: "image/png")
            let error = try #require(await Self.failure(Self.provider(fal, http: http, maxImageBytes: 16 << 10), images.request()))
            #expect(error.code.rawValue == "provider_response_too_large")
            #expect(!error.retryable)
        }
    }

    @Test func cancellationMidPollReturnsPromptlyAndCancelsAtFal() async throws {
        let images = try Images()
        try await FakeFal.with { fal in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fal.setStatusSequence(["IN_QUEUE"])
            let provider = Self.provider(fal, http: http, pollInterval: .milliseconds(200))
            let task = Task { try await provider.generate(images.request()) }
            try await eventually("a status poll", timeout: .seconds(20)) { fal.count(.status) >= 1 }
            let cancelled = ContinuousClock.now
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - cancelled < .seconds(2))
            guard case .failure(let failure) = result, let error = failure as? ProviderError else {
                Issue.record("expected a provider error")
                return
            }
            #expect(error.code.rawValue == "provider_cancelled")
            try await eventually("the cancel request", timeout: .seconds(10)) { fal.count(.cancel) == 1 }
            #expect(fal.calls(.cancel).first?.method == "PUT")
            #expect(fal.count(.result) == 0)
        }
    }
}

extension JSONValue {
    fileprivate var stringValueForTest: String {
        if case .string(let s) = self { return s }
        return ""
    }
}
