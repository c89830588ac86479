import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

/// Where each provider puts a negative prompt (issue 17, item 3): values only, no network.
@Suite("Negative prompts per provider")
struct NegativePromptTests {
    let http = HTTPClient(logger: Logger(label: "test.negative"))

    func request(_ negative: String?) -> GenerationRequest {
        var r = GenerationRequest(
            kitID: "k", stage: .front, prompt: "A full-body front view.", source: nil, lockedReference: nil, width: 64, height: 64, seed: 7)
        r.negativePrompt = negative
        return r
    }

    func settings(_ kind: String, _ extra: [String: String] = [:]) -> ProviderSettings {
        ProviderSettings(name: kind, kind: kind, baseURL: "http://127.0.0.1:1", apiKey: "k", extra: extra)
    }

    @Test func falAndReplicateSendItUnderTheirFieldOnlyWhenThereIsOne() {
        for kind in ["fal", "replicate"] {
            func input(_ extra: [String: String], _ negative: String?) -> JSONValue {
                kind == "fal"
                    ? FalProvider(settings: settings(kind, extra), http: http).input(request(negative))
                    : ReplicateProvider(settings: settings(kind, extra), http: http).input(request(negative))
            }
            #expect(input([:], "blurry, text")["negative_prompt"] == .string("blurry, text"), "\(kind)")
            #expect(input([:], nil)["negative_prompt"] == nil, "\(kind): nothing to send")
            #expect(input([:], "  ")["negative_prompt"] == nil, "\(kind): a blank one is none")
            let renamed = input(["negative_prompt_field": "negative"], "blurry")
            #expect(renamed["negative"] == .string("blurry") && renamed["negative_prompt"] == nil, "\(kind)")
            #expect(input(["negative_prompt_field": ""], "blurry")["negative_prompt"] == nil, "\(kind): an app that takes none")
            #expect(input([:], "blurry")["prompt"] == .string("A full-body front view."), "\(kind): the prompt is untouched")
        }
    }

    @Test func geminiAndOpenAIReadItAsAClosingSentence() {
        #expect(request("blurry, extra fingers").promptWithAvoidance == "A full-body front view. Avoid: blurry, extra fingers.")
        #expect(request("no hats!").promptWithAvoidance == "A full-body front view. Avoid: no hats!")
        #expect(request(nil).promptWithAvoidance == "A full-body front view.")
        let gemini = GeminiProvider(settings: settings("gemini"), http: http).requestBody(request("blurry"))
        let parts = gemini["contents"]?.arrayValue?.first?["parts"]?.arrayValue ?? []
        #expect(parts.first?["text"] == .string("A full-body front view. Avoid: blurry."), "\(gemini.serialized)")
    }

    /// What a reference's record says was sent: the text where the provider sends one, nil where it does not.
    @Test func eachProviderSaysWhetherItSendsOne() throws {
        let asked = request(" blurry ")
        #expect(GeminiProvider(settings: settings("gemini"), http: http).negativePromptSent(for: asked) == "blurry")
        #expect(OpenAIProvider(settings: settings("openai"), http: http).negativePromptSent(for: asked) == "blurry")
        #expect(FalProvider(settings: settings("fal"), http: http).negativePromptSent(for: asked) == "blurry")
        #expect(FalProvider(settings: settings("fal", ["negative_prompt_field": ""]), http: http).negativePromptSent(for: asked) == nil)
        let replicate = ReplicateProvider(settings: settings("replicate", ["negative_prompt_field": " "]), http: http)
        #expect(replicate.negativePromptSent(for: asked) == nil)
        #expect(ReplicateProvider(settings: settings("replicate"), http: http).negativePromptSent(for: request(nil)) == nil)
        #expect(PreviewProvider().negativePromptSent(for: asked) == nil, "the preview ignores it")
        let comfyUI = ComfyUINegativeNodeTests()
        let shipped = try ComfyUIProvider(settings: comfyUI.settings("http://127.0.0.1:1", negativeNode: nil), http: http, tuning: .init())
        #expect(shipped.negativePromptSent(for: asked) == nil, "no negative_node: the workflow keeps its own")
        let directory = try TemporaryDirectory("negative-sent")
        let workflow = try ComfyUINegativeNodeTests.workflowWithNegativeText(in: directory)
        let node = try ComfyUIProvider(
            settings: comfyUI.settings("http://127.0.0.1:1", negativeNode: "7", workflow: workflow), http: http, tuning: .init())
        #expect(node.negativePromptSent(for: asked) == "blurry")
        withExtendedLifetime(directory) {}
    }
}

/// ComfyUI's negative node, against the fake server.
@Suite("ComfyUI negative node", .timeLimit(.minutes(1)))
struct ComfyUINegativeNodeTests {
    let http = HTTPClient(logger: Logger(label: "test.comfyui.negative"))
    static let workflow = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/comfyui-workflow.json").path

    /// The shipped workflow with its negative conditioning (node 7, zeroed out: FLUX Kontext runs at
    /// cfg 1) replaced by a negative CLIPTextEncode, as an SD-style workflow has one.
    static func workflowWithNegativeText(in directory: TemporaryDirectory) throws -> String {
        var graph = try JSONValue.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: workflow))))
        guard case .object(var nodes) = graph, let i = nodes.firstIndex(where: { $0.key == "7" }) else {
            throw FixtureError("the shipped workflow has no node 7")
        }
        nodes[i].value = .object([
            ("class_type", .string("CLIPTextEncode")),
            ("inputs", .object([("text", .string("low quality")), ("clip", .array([.string("38"), .integer(0)]))])),
        ])
        graph = .object(nodes)
        let path = directory.url("negative-workflow.json")
        try Data(graph.serialized.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func settings(_ baseURL: String, negativeNode: String?, workflow: String = Self.workflow) -> ProviderSettings {
        var extra = ["workflow": workflow, "prompt_node": "6", "seed_node": "25", "image_nodes": "41,42", "output_node": "9"]
        extra["negative_node"] = negativeNode
        return ProviderSettings(name: "comfyui", kind: "comfyui", baseURL: baseURL, extra: extra)
    }

    @Test func theNegativeNodeGetsTheNegativePromptAndKeepsItsOwnWithoutOne() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let tuning = ComfyUIProvider.Tuning(
            pollInterval: .milliseconds(20), healthBackoff: .milliseconds(100), maxHealthBackoff: .milliseconds(400),
            probeTimeout: .seconds(2))
        let directory = try TemporaryDirectory("comfyui-negative")
        let workflow = try Self.workflowWithNegativeText(in: directory)
        let provider = try ComfyUIProvider(
            settings: settings(fake.baseURL, negativeNode: "7", workflow: workflow), http: http, tuning: tuning)
        var request = GenerationRequest(
            kitID: "k", stage: .avatar, prompt: "a portrait",
            source: ReferenceImage(bytes: try ImageFixtures.jpeg(seed: 1), mime: "image/jpeg"),
            lockedReference: nil, width: 512, height: 512, seed: 9)
        let workflowDefault = JSONValue.string("low quality")
        _ = try await provider.generate(request)
        request.negativePrompt = "blurry, watermark"
        _ = try await provider.generate(request)
        let queued = fake.queuedWorkflows
        #expect(queued.count == 2)
        #expect(queued.first?["7"]?["inputs"]?["text"] == workflowDefault, "no negative prompt: the workflow's own")
        #expect(queued.last?["7"]?["inputs"]?["text"] == .string("blurry, watermark"))
        #expect(queued.last?["6"]?["inputs"]?["text"] == .string("a portrait"))
    }

    @Test func aNegativeNodeThatCannotTakeTextIsAConfigurationError() {
        // The shipped FLUX workflow's node 7 zeroes the conditioning out: it has no text to write.
        for (node, words) in [("99", "has no node"), ("41", "no text input"), ("7", "no text input"), ("6", "is the prompt_node")] {
            do {
                _ = try ComfyUIProvider(settings: settings("http://127.0.0.1:1", negativeNode: node), http: http, tuning: .init())
                Issue.record("accepted negative_node \(node)")
            } catch {
                #expect(error.code == .notConfigured && error.message.contains(words), "\(node): \(error.message)")
            }
        }
    }
}
