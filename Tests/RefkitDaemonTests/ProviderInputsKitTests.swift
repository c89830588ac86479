import Foundation
import RefkitCore
import RefkitTestSupport
import Testing

/// Provider inputs end to end (issue 17 item 4): the configuration's `inputs` and a sidecar's
/// `provider_inputs`, through intake and the scheduler, into what the provider's fake received
/// and into the manifest's `inputs` per reference.
@Suite("Provider inputs through the daemon", .timeLimit(.minutes(2)))
struct ProviderInputsKitTests {
    /// The manifest's stages by name.
    static func manifestStages(_ run: ProviderKit) throws -> [String: JSONValue] {
        let kitFolder = try #require(try run.kit.outboxDir)
        let manifest = try checkManifest(kitFolder: kitFolder)
        #expect(try validateAgainstSchema("manifest.schema.json", files: ["\(kitFolder)/manifest.json"]) == nil)
        var byName: [String: JSONValue] = [:]
        for stage in manifest["stages"]?.arrayValue ?? [] { if case .string(let name)? = stage["stage"] { byName[name] = stage } }
        return byName
    }

    @Test func falGetsTheConfiguredLorasWithTheOrdersGuidanceAndTheManifestSaysSo() async throws {
        let secret = "fal-inputs-secret-0042"
        let fake = try await FakeFal.start(key: secret)
        let run = try await ProviderKit.make(
            provider: "fal",
            providerTable: """
                [providers.fal]
                base_url = "\(fake.baseURL)"
                app_id = "fal-ai/flux-lora"
                inputs = { loras = [{ path = "https://example.com/ayla.safetensors", scale = 0.8 }], guidance_scale = 3.5, num_inference_steps = 28 }
                """,
            secret: secret, sidecar: #"{"provider_inputs": {"fal": {"guidance_scale": 5, "strength": 0.7}}}"#)
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(3000))")

        let expected = try JSONValue.parse(
            Array(
                #"""
                {"guidance_scale": 5, "loras": [{"path": "https://example.com/ayla.safetensors", "scale": 0.8}],
                 "num_inference_steps": 28, "strength": 0.7}
                """#.utf8))
        let inputs = fake.calls(.submit).compactMap(\.json)
        #expect(inputs.count == 2, "avatar and front")
        for input in inputs {
            for key in ["guidance_scale", "loras", "num_inference_steps", "strength"] {
                #expect(input[key] == expected[key], "\(key) in \(input.serialized.prefix(300))")
            }
            #expect(input["prompt"]?.stringValue?.isEmpty == false)
        }
        let stages = try Self.manifestStages(run)
        for name in ["avatar", "front"] {
            let recorded = try #require(stages[name]?["inputs"], "\(name) has no inputs")
            #expect(recorded["guidance_scale"] == .integer(5))
            #expect(recorded["loras"] == expected["loras"])
            #expect(recorded["strength"] == .number(0.7, isInteger: false))
        }
        try run.expectSecretNowhere()
    }

    @Test func comfyUIGetsNodeInputsAndTheStageSizeInTheShippedWorkflow() async throws {
        let fake = try await FakeComfyUI.start()
        let run = try await ProviderKit.make(
            provider: "comfyui",
            providerTable: """
                [providers.comfyui]
                endpoints = ["\(fake.baseURL)"]
                workflow = "\(repositoryRoot)/config/comfyui-workflow.json"
                prompt_node = "6"
                seed_node = "25"
                image_nodes = ["41", "42"]
                output_node = "9"
                size_node = "27"
                inputs = { "25" = { steps = 28 } }
                """, secret: "comfy-proxy-token-456",
            sidecar: #"{"provider_inputs": {"comfyui": {"35": {"guidance": 3.5}}}}"#)
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(3000))")
        // Queued means the fake's node schema accepted the shipped workflow with everything written in.
        let queued = fake.queuedWorkflows
        #expect(queued.count == 2)
        let sizes = queued.map { ($0["27"]?["inputs"]?["width"], $0["27"]?["inputs"]?["height"]) }
        #expect(sizes.contains { $0 == (.integer(1024), .integer(1024)) }, "the avatar's size")
        #expect(sizes.contains { $0 == (.integer(768), .integer(1024)) }, "the front view's size")
        for workflow in queued {
            #expect(workflow["25"]?["inputs"]?["steps"] == .integer(28))
            #expect(workflow["35"]?["inputs"]?["guidance"] == .number(3.5, isInteger: false))
        }
        let stages = try Self.manifestStages(run)
        #expect(stages["front"]?["inputs"] == (try JSONValue.parse(Array(#"{"25": {"steps": 28}, "35": {"guidance": 3.5}}"#.utf8))))
    }

    @Test func aSidecarWhoseInputsNameRefkitsOwnFieldIsRejectedAtIntake() async throws {
        let secret = "fal-inputs-secret-0043"
        let fake = try await FakeFal.start(key: secret)
        let run = try await ProviderKit.make(
            provider: "fal",
            providerTable: "[providers.fal]\nbase_url = \"\(fake.baseURL)\"\napp_id = \"fal-ai/flux-lora\"",
            secret: secret, sidecar: #"{"provider_inputs": {"fal": {"seed": 7}}}"#)
        await fake.stop()
        #expect(fake.calls(.submit).isEmpty, "nothing was sent")
        #expect(try run.daemon.database.kit("ayla") == nil)
        let folder = run.directory.url("rejected")
        let error = try #require(
            FileFixtures.files(below: folder).first { $0.hasSuffix("ayla.json.error.json") }.flatMap {
                FileFixtures.read("\(folder)/\($0)")
            })
        let text = String(decoding: error, as: UTF8.self)
        #expect(text.contains("order_invalid_value"), "\(text)")
        #expect(text.contains("seed is written by refkit"), "\(text)")
    }
}
