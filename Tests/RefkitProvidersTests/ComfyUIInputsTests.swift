import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

/// The shipped workflow against the fake ComfyUI's node schema, and fixed inputs, the size and
/// the control image written into a queued workflow (issue 17 item 4).
@Suite("ComfyUI inputs and the shipped workflow", .timeLimit(.minutes(1)))
struct ComfyUIInputsTests {
    static let shipped = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/comfyui-workflow.json").path
    static let tuning = ComfyUIProvider.Tuning(pollInterval: .milliseconds(20), probeTimeout: .seconds(2))

    let http = HTTPClient(logger: Logger(label: "test.comfyui.inputs"))

    static func settings(_ fake: FakeComfyUI, workflow: String = shipped, extra: [String: String] = [:]) -> ProviderSettings {
        ProviderSettings(
            name: "comfyui", kind: "comfyui", baseURL: fake.baseURL, model: "flux1-kontext-dev", timeout: .seconds(30),
            extra: [
                "workflow": workflow, "prompt_node": "6", "seed_node": "25", "image_nodes": "41,42", "output_node": "9", "size_node": "27",
            ]
            .merging(extra) { $1 })
    }

    static func request(_ stage: Stage, inputs: JSONValue? = nil) throws -> GenerationRequest {
        var request = GenerationRequest(
            kitID: "mira", stage: stage, prompt: "back view of mira, full body",
            source: ReferenceImage(bytes: try ImageFixtures.jpeg(seed: 31), mime: "image/jpeg"),
            lockedReference: ReferenceImage(bytes: try ImageFixtures.png(seed: 32), mime: "image/png"), width: 768, height: 1024, seed: 5)
        request.inputs = inputs
        return request
    }

    static func workflow(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func theShippedWorkflowPassesTheNodeSchema() throws {
        let workflow = try Self.workflow(Self.shipped)
        #expect(FakeComfyUI.problems(in: workflow) == [])
        // A Flux Kontext edit: both images go in as reference latents, the sampler makes a new picture.
        let classes = Set((workflow.objectValue ?? []).compactMap { $0.value["class_type"]?.stringValue })
        #expect(classes.isSuperset(of: ["LoadImage", "FluxKontextImageScale", "ReferenceLatent", "FluxGuidance", "KSampler", "SaveImage"]))
        #expect(workflow["48"]?["inputs"]?["conditioning"] == .array([.string("47"), .integer(0)]))
        #expect(workflow["25"]?["inputs"]?["latent_image"] == .array([.string("27"), .integer(0)]))
    }

    @Test func theSchemaCatchesWhatComfyUIWouldRefuse() throws {
        var broken = try Self.workflow(Self.shipped)
        ComfyUIWorkflow.setInput(&broken, node: "43", key: "image", to: .array([.string("41"), .integer(5)]))
        ComfyUIWorkflow.setInput(&broken, node: "45", key: "vae", to: .array([.string("38"), .integer(0)]))
        ComfyUIWorkflow.setInput(&broken, node: "8", key: "samples", to: .array([.string("99"), .integer(0)]))
        guard case .object(var nodes) = broken else { return }
        nodes.removeAll { $0.key == "35" }
        nodes.append(("50", .object([("class_type", .string("FluxKontextMagic")), ("inputs", .object([]))])))
        let problems = FakeComfyUI.problems(in: .object(nodes))
        let found = Set(problems.map { "\($0.node) \($0.type)" })
        #expect(
            found == [
                "43 bad_linked_input", "45 return_type_mismatch", "8 bad_linked_input", "25 bad_linked_input",
                "50 missing_node_type",
            ], "\(problems)")
        // Without the unknown class, a required input left out.
        nodes.removeAll { $0.key == "50" }
        var noText = JSONValue.object(nodes)
        guard case .object(var six)? = noText["6"]?["inputs"] else { return }
        six.removeAll { $0.key == "text" }
        ComfyUIWorkflow.setInput(&noText, node: "6", key: "clip", to: .array([.string("38"), .integer(0)]))
        if case .object(var all) = noText, let i = all.firstIndex(where: { $0.key == "6" }) {
            all[i].value = .object([("class_type", .string("CLIPTextEncode")), ("inputs", .object(six))])
            noText = .object(all)
        }
        #expect(FakeComfyUI.problems(in: noText).contains { $0.node == "6" && $0.type == "required_input_missing" && $0.details == "text" })
    }

    @Test func fixedInputsAndTheSizeAreWrittenIntoTheQueuedWorkflow() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        var settings = Self.settings(fake)
        settings.inputs = try JSONValue.parse(Array(#"{"25": {"steps": 20, "cfg": 1}, "35": {"guidance": 2.5}}"#.utf8))
        let provider = try ComfyUIProvider(settings: settings, http: http, tuning: Self.tuning)
        // What the scheduler sends: the configuration's inputs with the order's over them.
        let merged = ProviderInputs.merged(
            config: settings.inputs, order: try JSONValue.parse(Array(#"{"25": {"steps": 28}, "35": {"guidance": 3.5}}"#.utf8)),
            kind: "comfyui")
        _ = try await provider.generate(try Self.request(.back, inputs: merged))
        let queued = try #require(fake.queuedWorkflows.first)
        #expect(queued["25"]?["inputs"]?["steps"] == .integer(28))
        #expect(queued["25"]?["inputs"]?["cfg"] == .integer(1))
        #expect(queued["35"]?["inputs"]?["guidance"] == .number(3.5, isInteger: false))
        #expect(queued["27"]?["inputs"]?["width"] == .integer(768))
        #expect(queued["27"]?["inputs"]?["height"] == .integer(1024))
        #expect(queued["6"]?["inputs"]?["text"] == .string("back view of mira, full body"))
        #expect(queued["25"]?["inputs"]?["seed"] == .integer(5))
        // The fake queued it: it passed the node schema with the inputs written in.
        #expect(fake.promptIDs.count == 1)
    }

    @Test func anOrderNamingANodeTheWorkflowLacksIsAFinalBadRequest() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let provider = try ComfyUIProvider(settings: Self.settings(fake), http: http, tuning: Self.tuning)
        let request = try Self.request(.side, inputs: try JSONValue.parse(Array(#"{"77": {"strength_model": 0.8}}"#.utf8)))
        do throws(ProviderError) {
            _ = try await provider.generate(request)
            Issue.record("accepted a node the workflow lacks")
        } catch {
            #expect(error.code.rawValue == "provider_bad_request")
            #expect(!error.retryable)
            #expect(
                error.message.contains(#"comfyui: the order's provider inputs name node "77", which the workflow does not have"#),
                "\(error.message)")
        }
        #expect(fake.promptIDs.isEmpty)
    }

    @Test func configuredInputsForAMissingNodeStopTheProviderAtStartUp() async throws {
        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        var settings = Self.settings(fake)
        settings.inputs = try JSONValue.parse(Array(#"{"10": {"lora_name": "x.safetensors"}}"#.utf8))
        do {
            _ = try ComfyUIProvider(settings: settings, http: http, tuning: Self.tuning)
            Issue.record("accepted")
        } catch {
            #expect(error.code.rawValue == "provider_not_configured")
            #expect(error.message.contains(#"inputs name node "10", which the workflow does not have"#), "\(error.message)")
        }
    }

    @Test func aDepthControlNetWorkflowGetsTheSourceAsTheControlImageOfABodyView() async throws {
        let dir = try TemporaryDirectory("comfy-depth")
        var workflow = try Self.workflow(Self.shipped)
        // A depth ControlNet on the positive and negative conditioning, fed by its own LoadImage.
        guard case .object(var nodes) = workflow else { return }
        nodes.append(("60", .object([("class_type", .string("LoadImage")), ("inputs", .object([("image", .string("control.png"))]))])))
        nodes.append(
            (
                "61",
                .object([
                    ("class_type", .string("ControlNetLoader")), ("inputs", .object([("control_net_name", .string("depth.safetensors"))])),
                ])
            ))
        nodes.append(
            (
                "62",
                .object([
                    ("class_type", .string("ControlNetApplyAdvanced")),
                    (
                        "inputs",
                        .object([
                            ("positive", .array([.string("35"), .integer(0)])), ("negative", .array([.string("7"), .integer(0)])),
                            ("control_net", .array([.string("61"), .integer(0)])), ("image", .array([.string("60"), .integer(0)])),
                            ("strength", .number(0.7, isInteger: false)), ("start_percent", .integer(0)), ("end_percent", .integer(1)),
                        ])
                    ),
                ])
            ))
        workflow = .object(nodes)
        ComfyUIWorkflow.setInput(&workflow, node: "25", key: "positive", to: .array([.string("62"), .integer(0)]))
        ComfyUIWorkflow.setInput(&workflow, node: "25", key: "negative", to: .array([.string("62"), .integer(1)]))
        #expect(FakeComfyUI.problems(in: workflow) == [])
        try FileFixtures.write(workflow.serialized, to: dir.url("depth.json"))

        let fake = try await FakeComfyUI.start()
        defer { Task { await fake.stop() } }
        let settings = Self.settings(fake, workflow: dir.url("depth.json"), extra: ["control_image_node": "60"])
        let provider = try ComfyUIProvider(settings: settings, http: http, tuning: Self.tuning)
        let request = try Self.request(.fullBody)
        _ = try await provider.generate(request)
        let queued = try #require(fake.queuedWorkflows.first)
        guard case .string(let control)? = queued["60"]?["inputs"]?["image"] else {
            Issue.record("no control image in \(queued.serialized)")
            return
        }
        #expect(fake.uploads[control] == request.source?.bytes, "the full-body view's control image is the source, not the headshot")
    }
}
