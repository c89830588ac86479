import Foundation
import Logging
import RefkitCore
import RefkitHTTP
import RefkitTestSupport
import Testing

@testable import RefkitProviders

/// A workflow against a server's `/object_info` (`ComfyWorkflowCheck`, `ComfyObjectInfo`): values
/// only, no server. The shipped workflow is read from config/ as the provider reads it.
@Suite("ComfyUI workflow against a server's object_info")
struct ComfyWorkflowCheckTests {
    /// A small server: two loaders with their files (one in each combo shape), a text encoder,
    /// a sampler and LoadImage.
    static let server: ComfyObjectInfo = {
        let json = try! JSONValue.parse(
            """
            {
              "CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["a.safetensors", "b.safetensors"], {"tooltip": "x"}]}},
                                         "output": ["MODEL", "CLIP", "VAE"]},
              "LoraLoaderModelOnly": {"input": {"required": {"model": ["MODEL"],
                                      "lora_name": ["COMBO", {"options": ["style.safetensors"], "multiselect": false}],
                                      "strength_model": ["FLOAT", {"default": 1.0}]}}},
              "CLIPTextEncode": {"input": {"required": {"text": ["STRING", {"multiline": true}], "clip": ["CLIP"]}}},
              "ConditioningZeroOut": {"input": {"required": {"conditioning": ["CONDITIONING"]}}},
              "KSampler": {"input": {"required": {"seed": ["INT", {}], "steps": ["INT", {}], "model": ["MODEL"]},
                           "optional": {"denoise": ["FLOAT", {}]}}},
              "LoadImage": {"input": {"required": {"image": [["example.png"], {"image_upload": true}]}}}
            }
            """)
        return try! ComfyObjectInfo(json)
    }()

    static func workflow(_ text: String) -> JSONValue { try! JSONValue.parse(text) }

    static func prompt(_ node: String = "6") -> ComfyWorkflowCheck.Reference {
        .init(node: node, input: "text", setting: "prompt_node", perStage: true)
    }

    @Test func bothComboShapesAreReadAsTheServersChoices() {
        let checkpoint = Self.server.classes["CheckpointLoaderSimple"]
        #expect(checkpoint?.choices["ckpt_name"] == [.string("a.safetensors"), .string("b.safetensors")])
        #expect(Self.server.classes["LoraLoaderModelOnly"]?.choices["lora_name"] == [.string("style.safetensors")])
        #expect(Self.server.classes["LoraLoaderModelOnly"]?.choices["strength_model"] == nil)
        #expect(Self.server.classes["KSampler"]?.declares("denoise") == true)
        #expect(Self.server.classes["KSampler"]?.required == ["seed", "steps", "model"])
    }

    @Test func anAnswerThatIsNotTheNodeListIsInvalidWithTheReason() {
        #expect(throws: ComfyObjectInfo.Invalid(reason: "is a JSON array, not ComfyUI's object of node classes")) {
            try ComfyObjectInfo(.array([]))
        }
        #expect(throws: ComfyObjectInfo.Invalid(reason: "lists no node classes")) { try ComfyObjectInfo(.object([])) }
        #expect(throws: ComfyObjectInfo.Invalid(reason: "is not ComfyUI's node list: \"detail\" is a string without an input object")) {
            try ComfyObjectInfo(Self.workflow(#"{"detail": "Not Found"}"#))
        }
        do {
            _ = try ComfyObjectInfo(bytes: Array("<html>proxy error</html>".utf8))
            Issue.record("HTML was read as a node list")
        } catch {
            #expect(error.reason.hasPrefix("is not JSON (line 1, column 1"), "\(error.reason)")
        }
    }

    @Test func aClassTheServerLacksIsOneFailNamingTheNodeAndThePack() {
        let check = ComfyWorkflowCheck(
            workflow: Self.workflow(#"{"12": {"class_type": "IPAdapterApply", "inputs": {"weight": 0.8, "model": ["4", 0]}}}"#),
            references: [.init(node: "12", input: "weight", setting: "[providers.c] inputs", perStage: false)])
        #expect(
            check.findings(against: Self.server) == [
                .init(
                    severity: .fail, node: "12", classType: "IPAdapterApply",
                    message: "node 12 is `IPAdapterApply`, which this ComfyUI does not have: install the custom node pack that provides it")
            ])
    }

    @Test func aModelFileTheServerDoesNotListFailsWithItsChoicesAndFolder() {
        let check = ComfyWorkflowCheck(
            workflow: Self.workflow(
                #"{"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev.safetensors"}},"#
                    + #""5": {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["4", 0], "lora_name": "style.safetensors","#
                    + #""strength_model": 0.7}}}"#),
            references: [])
        #expect(
            check.findings(against: Self.server) == [
                .init(
                    severity: .fail, node: "4", classType: "CheckpointLoaderSimple",
                    message: "node 4 `CheckpointLoaderSimple` names `flux1-dev.safetensors` in `ckpt_name`; the server has: a.safetensors, "
                        + "b.safetensors (put the file in ComfyUI's models/checkpoints folder or fix the name)")
            ])
    }

    @Test func aLinkedValueIsNotAComboValue() {
        let check = ComfyWorkflowCheck(
            workflow: Self.workflow(
                #"{"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ["9", 0]}}}"#), references: [])
        #expect(check.findings(against: Self.server).isEmpty)
    }

    @Test func anEmptyOrLongChoiceListIsSaidShortly() {
        let none = ComfyWorkflowCheck.notOffered(node: "4", classType: "L", input: "x", value: .string("m"), choices: [])
        #expect(none == "node 4 `L` names `m` in `x`; the server has none")
        let many = (1...30).map { JSONValue.string("lora\($0)") }
        let long = ComfyWorkflowCheck.notOffered(node: "5", classType: "L", input: "lora_name", value: .integer(3), choices: many)
        #expect(long.contains("names `3` in `lora_name`; the server has: lora1, lora2, "), "\(long)")
        #expect(long.contains("lora12, … (18 more) (put the file in ComfyUI's models/loras folder"), "\(long)")
        #expect(!long.contains("lora13"))
    }

    @Test func aConfiguredInputTheClassDoesNotDeclareFailsNamingTheSetting() {
        // The workflow gives node 7 a text input, so start-up accepts it; the class has none.
        let check = ComfyWorkflowCheck(
            workflow: Self.workflow(
                #"{"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "p", "clip": ["4", 1]}},"#
                    + #""7": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["6", 0], "text": "blurry"}}}"#),
            references: [Self.prompt(), .init(node: "7", input: "text", setting: "negative_node", perStage: true)])
        #expect(
            check.findings(against: Self.server) == [
                .init(
                    severity: .fail, node: "7", classType: "ConditioningZeroOut",
                    message: "node 7 `ConditioningZeroOut` has no input `text`, which negative_node writes (ComfyUI would ignore it); "
                        + "its inputs: conditioning")
            ])
    }

    @Test func aRequiredInputLeftUnsetWarnsUnlessRefkitWritesIt() {
        let workflow = Self.workflow(#"{"25": {"class_type": "KSampler", "inputs": {"model": ["4", 0]}}}"#)
        let unset = ComfyWorkflowCheck(workflow: workflow, references: []).findings(against: Self.server)
        #expect(unset.map(\.severity) == [.warn, .warn])
        #expect(
            unset.first?.message
                == "node 25 `KSampler` leaves the required input `seed` unset (ComfyUI refuses it with required_input_missing): "
                + "set it in the workflow or in the provider's inputs")
        #expect(unset.last?.message.contains("`steps`") == true)
        let written = ComfyWorkflowCheck(
            workflow: workflow,
            references: [
                .init(node: "25", input: "seed", setting: "seed_node", perStage: true),
                .init(node: "25", input: "steps", setting: "[providers.c] inputs", perStage: false),
            ])
        #expect(written.findings(against: Self.server).isEmpty)
    }

    @Test func anImageRefkitUploadsIsNotComparedButAFixedOneIs() {
        let workflow = Self.workflow(
            #"{"41": {"class_type": "LoadImage", "inputs": {"image": "source.png"}},"#
                + #""50": {"class_type": "LoadImage", "inputs": {"image": "mask.png"}}}"#)
        let check = ComfyWorkflowCheck(
            workflow: workflow, references: [.init(node: "41", input: "image", setting: "image_nodes", perStage: true)])
        let findings = check.findings(against: Self.server)
        #expect(findings.map(\.node) == ["50"])
        #expect(findings.first?.message == "node 50 `LoadImage` names `mask.png` in `image`; the server has: example.png")
    }

    @Test func theShippedWorkflowFitsTheFakeServerAndABadFixedInputIsCaught() throws {
        let shipped = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/comfyui-workflow.json").path
        let server = try ComfyObjectInfo(FakeComfyUI.objectInfo())
        var settings = ProviderSettings(
            name: "comfy", kind: "comfyui", baseURL: "http://127.0.0.1:8188",
            extra: [
                "workflow": shipped, "prompt_node": "6", "seed_node": "25", "image_nodes": "41,42", "output_node": "9", "size_node": "27",
            ])
        let http = HTTPClient(logger: Logger(label: "test.comfyui.check"))
        let clean = try ComfyUIProvider(settings: settings, http: http).workflowCheck()
        #expect(clean.nodes.count == 18)
        #expect(clean.findings(against: server) == [])

        // A fixed input is a real value: a diffusion model the server lacks is named.
        settings.inputs = try JSONValue.parse(#"{"37": {"unet_name": "flux1-krea-dev.safetensors"}}"#)
        let findings = try ComfyUIProvider(settings: settings, http: http).workflowCheck().findings(against: server)
        #expect(findings.map(\.node) == ["37"])
        #expect(findings.first?.message.hasPrefix("node 37 `UNETLoader` names `flux1-krea-dev.safetensors` in `unet_name`") == true)
        #expect(findings.first?.message.hasSuffix("models/diffusion_models folder or fix the name)") == true)
    }
}
