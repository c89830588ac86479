import Foundation
import RefkitCore
import RefkitTestSupport
import Testing

/// `refkit doctor` (the real binary) checking a ComfyUI provider's workflow against the fake
/// ComfyUI's `/object_info` on loopback: missing node classes, model files, configured inputs.
@Suite("refkit doctor: ComfyUI workflow against the server", .timeLimit(.minutes(2)))
struct DoctorComfyUITests {
    static let shipped = "\(repositoryRoot)/config/comfyui-workflow.json"

    static func config(_ dir: TemporaryDirectory, baseURL: String, workflow: String = shipped, extra: String = "") throws -> String {
        let file = dir.url("refkit.toml")
        try FileFixtures.write(
            """
            state_dir = "state"
            [providers.comfy]
            kind = "comfyui"
            base_url = "\(baseURL)"
            workflow = "\(workflow)"
            prompt_node = "6"
            seed_node = "25"
            image_nodes = "41,42"
            output_node = "9"
            size_node = "27"
            \(extra)
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
              [watch.default_order]
              stages = ["avatar"]
              provider = "preview"
            """, to: file)
        return file
    }

    /// The shipped workflow with `edit` applied to its nodes, written to `dir`.
    static func variant(_ dir: TemporaryDirectory, _ edit: (inout [(key: String, value: JSONValue)]) -> Void) throws -> String {
        guard case .object(var nodes) = try JSONValue.parse(String(contentsOfFile: shipped, encoding: .utf8)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        edit(&nodes)
        let path = dir.url("workflow.json")
        try FileFixtures.write(JSONValue.object(nodes).serialized, to: path)
        return path
    }

    static func node(_ classType: String, _ inputs: String) throws -> JSONValue {
        try JSONValue.parse(#"{"class_type": "\#(classType)", "inputs": \#(inputs)}"#)
    }

    static func workflowLines(_ lines: [String]) -> [String] { lines.filter { $0.contains("provider comfy workflow") } }

    @Test func theShippedWorkflowFitsTheFakeServer() async throws {
        let dir = try TemporaryDirectory("doctor-comfy-ok")
        let fake = try await FakeComfyUI.start()
        let file = try Self.config(dir, baseURL: fake.baseURL)
        let (status, lines) = try await DoctorTests.doctor(["--config", file], in: dir)
        await fake.stop()
        #expect(status == 0, "\(lines.joined(separator: "\n"))")
        #expect(
            Self.workflowLines(lines) == [
                "ok    provider comfy workflow: \(Self.shipped) fits \(fake.baseURL): its 18 nodes' classes, models and configured inputs are there"
            ], "\(lines)")
        #expect(fake.calls("/object_info").count == 1)
    }

    @Test func aMissingNodeClassAndCheckpointFailDoctorNamingNodeClassAndFile() async throws {
        let dir = try TemporaryDirectory("doctor-comfy-missing")
        let workflow = try Self.variant(dir) { nodes in
            nodes.append(("12", try! Self.node("IPAdapterApply", #"{"weight": 0.8, "model": ["37", 0]}"#)))
            nodes.append(("4", try! Self.node("CheckpointLoaderSimple", #"{"ckpt_name": "flux1-dev.safetensors"}"#)))
        }
        let fake = try await FakeComfyUI.start()
        let file = try Self.config(dir, baseURL: fake.baseURL, workflow: workflow)
        let (status, lines) = try await DoctorTests.doctor(["--config", file], in: dir)
        await fake.stop()
        #expect(status == 1, "\(lines.joined(separator: "\n"))")
        #expect(
            Self.workflowLines(lines) == [
                "FAIL  provider comfy workflow: node 12 is `IPAdapterApply`, which this ComfyUI does not have: install the custom node "
                    + "pack that provides it",
                "FAIL  provider comfy workflow: node 4 `CheckpointLoaderSimple` names `flux1-dev.safetensors` in `ckpt_name`; the server "
                    + "has: sd_xl_base_1.0.safetensors, v1-5-pruned-emaonly.safetensors (put the file in ComfyUI's models/checkpoints "
                    + "folder or fix the name)",
            ], "\(lines)")
    }

    @Test func aNegativeNodeWhoseClassHasNoTextInputIsNamed() async throws {
        let dir = try TemporaryDirectory("doctor-comfy-negative")
        // Node 7 is ConditioningZeroOut; the workflow gives it a text value, so start-up takes it as negative_node.
        let workflow = try Self.variant(dir) { nodes in
            let i = nodes.firstIndex { $0.key == "7" }!
            nodes[i].value = try! Self.node("ConditioningZeroOut", #"{"conditioning": ["6", 0], "text": "blurry"}"#)
        }
        let fake = try await FakeComfyUI.start()
        let file = try Self.config(dir, baseURL: fake.baseURL, workflow: workflow, extra: "negative_node = \"7\"")
        let (status, lines) = try await DoctorTests.doctor(["--config", file], in: dir)
        await fake.stop()
        #expect(status == 1, "\(lines.joined(separator: "\n"))")
        #expect(
            Self.workflowLines(lines) == [
                "FAIL  provider comfy workflow: node 7 `ConditioningZeroOut` has no input `text`, which negative_node writes (ComfyUI "
                    + "would ignore it); its inputs: conditioning"
            ], "\(lines)")
    }

    @Test func eachServerOfAFarmIsCheckedAndNamed() async throws {
        let dir = try TemporaryDirectory("doctor-comfy-farm")
        let full = try await FakeComfyUI.start()
        let bare = try await FakeComfyUI.start()
        // The second server has no FluxGuidance (its ComfyUI predates Flux support).
        bare.setNodeSchema(FakeComfyUI.coreNodeSchema.filter { $0.key != "FluxGuidance" })
        let farm = "endpoints = [\"\(full.baseURL)\", \"\(bare.baseURL)\"]"
        let file = try Self.config(dir, baseURL: full.baseURL, extra: farm)
        let (status, lines) = try await DoctorTests.doctor(["--config", file], in: dir)
        await full.stop()
        await bare.stop()
        #expect(status == 1, "\(lines.joined(separator: "\n"))")
        #expect(
            Self.workflowLines(lines) == [
                "ok    provider comfy workflow on \(full.baseURL): \(Self.shipped) fits \(full.baseURL): its 18 nodes' classes, models "
                    + "and configured inputs are there",
                "FAIL  provider comfy workflow on \(bare.baseURL): node 35 is `FluxGuidance`, which this ComfyUI does not have: install "
                    + "the custom node pack that provides it",
            ], "\(lines)")
        #expect(full.calls("/object_info").count == 1 && bare.calls("/object_info").count == 1)
    }

    @Test func aServerThatAnswersWithoutTheNodeListIsOneClearFailure() async throws {
        let dir = try TemporaryDirectory("doctor-comfy-not-comfy")
        let server = try await LoopbackServer.start()
        server.route(nil, "/*") { _ in .text("<html><body>proxy says hello</body></html>") }
        let file = try Self.config(dir, baseURL: server.baseURL)
        let (status, lines) = try await DoctorTests.doctor(["--config", file], in: dir)
        await server.stop()
        #expect(status == 1, "\(lines.joined(separator: "\n"))")
        let found = Self.workflowLines(lines)
        #expect(found.count == 1, "\(lines)")
        #expect(
            found.first?.hasPrefix(
                "FAIL  provider comfy workflow: provider_bad_response: \(server.baseURL)/object_info is not JSON (line 1, column 1")
                == true,
            "\(found)")
    }
}
