import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitProviders
import RefkitTestSupport
import Testing

/// What fal and Replicate receive with fixed inputs, face-swap and control-image fields (issue 17 item 4).
@Suite("Provider inputs on the wire", .timeLimit(.minutes(1)))
struct ProviderInputsWireTests {
    let source: [UInt8]
    let locked: [UInt8]
    let target: [UInt8]

    init() throws {
        source = try ImageFixtures.jpeg(seed: 21)
        locked = try ImageFixtures.png(seed: 22)
        target = try ImageFixtures.jpeg(seed: 23)
    }

    static let loras: JSONValue = .array([
        .object([("path", .string("https://example.com/mira.safetensors")), ("scale", .number(0.8, isInteger: false))])
    ])
    static let fixed: JSONValue = .object([
        ("loras", loras), ("guidance_scale", .number(3.5, isInteger: false)), ("num_inference_steps", .integer(28)),
    ])

    func request(_ stage: Stage, source: [UInt8]? = nil, inputs: JSONValue? = nil) -> GenerationRequest {
        var request = GenerationRequest(
            kitID: "mira", stage: stage, prompt: "full body view of mira",
            source: ReferenceImage(bytes: source ?? self.source, mime: "image/jpeg"),
            lockedReference: ReferenceImage(bytes: locked, mime: "image/png"), width: 768, height: 1024, seed: 77)
        request.inputs = inputs
        return request
    }

    static func decoded(_ value: JSONValue?) -> [UInt8]? {
        guard case .string(let uri)? = value else { return nil }
        return FakeFal.DataURI.decode(uri)?.bytes
    }

    static func fal(_ fake: FakeFal, http: HTTPClient, _ extra: [String: String]) -> FalProvider {
        FalProvider(
            settings: ProviderSettings(
                name: "fal", kind: "fal", baseURL: fake.baseURL, apiKey: fake.key, timeout: .seconds(30), extra: extra),
            http: http, pollInterval: .milliseconds(5))
    }

    static func replicate(_ fake: FakeReplicate, http: HTTPClient, _ extra: [String: String]) -> ReplicateProvider {
        ReplicateProvider(
            settings: ProviderSettings(
                name: "replicate", kind: "replicate", baseURL: fake.baseURL + "/v1", model: "owner/model", apiKey: fake.token,
                timeout: .seconds(30), extra: extra),
            http: http, pollInterval: .milliseconds(5))
    }

    @Test func falGetsTheLorasAndGuidanceBesideItsOwnFields() async throws {
        try await FakeFal.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            _ = try await Self.fal(fake, http: http, ["app_id": "fal-ai/flux-lora"]).generate(request(.front, inputs: Self.fixed))
            let input = try #require(fake.calls(.submit).first?.json)
            #expect(input["loras"] == Self.loras)
            #expect(input["guidance_scale"] == .number(3.5, isInteger: false))
            #expect(input["num_inference_steps"] == .integer(28))
            #expect(input["prompt"] == .string("full body view of mira"))
            #expect(Self.decoded(input["image_url"]) == locked)
            #expect(input["seed"] == .integer(77))
        }
    }

    @Test func refkitsOwnFieldsWinOverInputsThatNameThem() async throws {
        try await FakeFal.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let sneaky = JSONValue.object([("prompt", .string("something else")), ("seed", .integer(1)), ("strength", .integer(1))])
            _ = try await Self.fal(fake, http: http, ["app_id": "fal-ai/flux-lora"]).generate(request(.front, inputs: sneaky))
            let input = try #require(fake.calls(.submit).first?.json)
            #expect(input["prompt"] == .string("full body view of mira"))
            #expect(input["seed"] == .integer(77))
            #expect(input["strength"] == .integer(1))
        }
    }

    @Test func falFaceSwapGetsTheTargetAndTheFaceUnderTheirOwnNames() async throws {
        try await FakeFal.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            fake.setOutput(#"{"image":{"url":"{base}/files/result.png","content_type":"image/png","width":40,"height":30}}"#)
            let provider = Self.fal(
                fake, http: http, ["app_id": "fal-ai/face-swap", "target_field": "base_image_url", "face_field": "swap_image_url"])
            // A swap stage's source is its target (StageRequest.subject).
            _ = try await provider.generate(request(.swap("group"), source: target))
            let input = try #require(fake.calls(.submit).first?.json)
            #expect(fake.calls(.submit).first?.path == "/fal-ai/face-swap")
            #expect(Self.decoded(input["base_image_url"]) == target)
            #expect(Self.decoded(input["swap_image_url"]) == locked)
            #expect(input["image_url"] == nil, "the app gets both images, each once, under its own fields")
        }
    }

    @Test func theDepthAppsControlImageIsTheSourceForBodyViewsAndTheAvatarForHeadViews() async throws {
        try await FakeFal.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let provider = Self.fal(fake, http: http, ["app_id": "fal-ai/flux-pro/v1/depth", "control_image_field": "control_image_url"])
            _ = try await provider.generate(request(.fullBody))
            _ = try await provider.generate(request(.expression("smile")))
            let inputs = fake.calls(.submit).compactMap(\.json)
            #expect(inputs.count == 2)
            #expect(Self.decoded(inputs.first?["control_image_url"]) == source, "a full-body view follows the source's body")
            #expect(Self.decoded(inputs.last?["control_image_url"]) == locked)
            #expect(inputs.allSatisfy { $0["image_url"] == nil }, "a control app without image_field gets only its control image")
        }
    }

    @Test func replicateGetsInputsInItsInputObject() async throws {
        try await FakeReplicate.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            _ = try await Self.replicate(fake, http: http, [:]).generate(request(.side, inputs: Self.fixed))
            let body = try #require(fake.calls(.create).first?.json)
            let input = try #require(body["input"])
            #expect(input["loras"] == Self.loras)
            #expect(input["guidance_scale"] == .number(3.5, isInteger: false))
            #expect(input["num_inference_steps"] == .integer(28))
            #expect(Self.decoded(input["input_image"]) == locked)
            #expect(body["loras"] == nil, "inputs go inside input, not beside it")
        }
    }

    @Test func replicateFaceSwapAndControlFields() async throws {
        try await FakeReplicate.with { fake in
            let http = HTTPClient(logger: Logger(label: "test.http"))
            defer { http.shutdown() }
            let swap = Self.replicate(fake, http: http, ["target_field": "input_image", "face_field": "swap_image"])
            _ = try await swap.generate(request(.swap("beach"), source: target))
            let depth = Self.replicate(fake, http: http, ["control_image_field": "control_image", "image_field": "image"])
            _ = try await depth.generate(request(.back))
            let inputs = fake.calls(.create).compactMap { $0.json?["input"] }
            #expect(inputs.count == 2)
            #expect(Self.decoded(inputs.first?["input_image"]) == target)
            #expect(Self.decoded(inputs.first?["swap_image"]) == locked)
            #expect(Self.decoded(inputs.last?["control_image"]) == source)
            #expect(Self.decoded(inputs.last?["image"]) == locked, "an explicit image_field is still sent beside the control image")
        }
    }
}
