import Testing

@testable import RefkitCore

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

@Suite("Provider inputs (issue 17 item 4)")
struct ProviderInputsTests {
    static let falSettings = ["app_id": "fal-ai/flux-lora", "images_field": "image_urls", "control_image_field": "control_image_url"]
    static let comfySettings = ["prompt_node": "6", "seed_node": "25", "image_nodes": "41, 42", "size_node": "27"]

    @Test func ordersWinKeyByKeyAndTheRestOfTheConfigurationStays() throws {
        let config = try json(#"{"loras": [{"path": "a.safetensors", "scale": 0.8}], "guidance_scale": 3.5, "num_inference_steps": 28}"#)
        let order = try json(#"{"guidance_scale": 5, "strength": 0.7}"#)
        let merged = try #require(ProviderInputs.merged(config: config, order: order, kind: "fal"))
        #expect(merged["guidance_scale"] == .integer(5))
        #expect(merged["num_inference_steps"] == .integer(28))
        #expect(merged["strength"] == .number(0.7, isInteger: false))
        #expect(merged["loras"] == config["loras"])
        // Shallow: an order's list replaces the configuration's, it is not appended to.
        let loras = try json(#"{"loras": [{"path": "b.safetensors", "scale": 1}]}"#)
        #expect(ProviderInputs.merged(config: config, order: loras, kind: "replicate")?["loras"] == loras["loras"])
    }

    @Test func eitherSideAloneIsTheResultAndProvidersWithoutInputsGetNone() throws {
        let config = try json(#"{"guidance_scale": 3.5}"#)
        #expect(ProviderInputs.merged(config: config, order: nil, kind: "fal") == config)
        #expect(ProviderInputs.merged(config: nil, order: config, kind: "replicate") == config)
        #expect(ProviderInputs.merged(config: nil, order: nil, kind: "fal") == nil)
        for kind in ["gemini", "openai", "preview", "custom"] {
            #expect(ProviderInputs.merged(config: config, order: config, kind: kind) == nil, "\(kind)")
        }
    }

    @Test func comfyUIMergesNodeByNodeThenInputByInput() throws {
        let config = try json(#"{"25": {"steps": 20, "cfg": 1}, "35": {"guidance": 2.5}}"#)
        let order = try json(#"{"25": {"steps": 28}, "50": {"lora_name": "x.safetensors", "strength_model": 0.8}}"#)
        let merged = try #require(ProviderInputs.merged(config: config, order: order, kind: "comfyui"))
        #expect(merged["25"] == (try json(#"{"steps": 28, "cfg": 1}"#)))
        #expect(merged["35"] == (try json(#"{"guidance": 2.5}"#)))
        #expect(merged["50"]?["strength_model"] == .number(0.8, isInteger: false))
    }

    @Test func refkitsOwnFieldsAreRefusedByName() throws {
        let reserved = ProviderInputs.reservedFields(kind: "fal", settings: Self.falSettings)
        #expect(reserved == ["prompt", "seed", "image_urls", "image_url", "control_image_url"])
        for field in ["prompt", "seed", "image_urls", "control_image_url"] {
            let problem = ProviderInputs.problem(.object([(field, .string("x"))]), kind: "fal", reserved: reserved)
            #expect(problem == "\(field) is written by refkit (the stage's prompt, images or seed) and cannot be set here")
        }
        #expect(ProviderInputs.problem(try json(#"{"guidance_scale": 3.5}"#), kind: "fal", reserved: reserved) == nil)
        // Replicate's default image field, and renamed prompt and face-swap fields.
        let replicate = ProviderInputs.reservedFields(
            kind: "replicate",
            settings: ["prompt_field": "text", "target_field": "input_image", "face_field": "swap_image", "version": "v"])
        #expect(replicate == ["text", "seed", "input_image", "swap_image"])
    }

    @Test func comfyUIInputsAreNodesOfInputsAndTheMappedInputsAreRefkits() throws {
        let reserved = ProviderInputs.reservedFields(kind: "comfyui", settings: Self.comfySettings)
        #expect(reserved.isSuperset(of: ["6.text", "25.seed", "41.image", "42.image", "27.width", "27.height"]))
        #expect(ProviderInputs.problem(try json(#"{"25": {"steps": 28}}"#), kind: "comfyui", reserved: reserved) == nil)
        #expect(
            ProviderInputs.problem(try json(#"{"25": {"seed": 1}}"#), kind: "comfyui", reserved: reserved)
                == "25.seed is written by refkit (the stage's prompt, seed, image or size) and cannot be set here")
        #expect(
            ProviderInputs.problem(try json(#"{"25": 28}"#), kind: "comfyui", reserved: reserved)
                == "25 must be an object of input names and values (a ComfyUI node's inputs), got integer")
    }

    @Test func shapeSizeAndKindAreChecked() throws {
        #expect(ProviderInputs.problem(.array([]), kind: "fal", reserved: []) == "must be an object, got array")
        #expect(
            ProviderInputs.problem(.object([]), kind: "gemini", reserved: [])
                == "a gemini provider takes no fixed inputs (only comfyui, fal, replicate do)")
        let big = JSONValue.object([("notes", .string(String(repeating: "x", count: ProviderInputs.maxBytes)))])
        #expect(ProviderInputs.problem(big, kind: "replicate", reserved: [])?.hasPrefix("is 16396 bytes of JSON, more than 16384") == true)
        var deep = JSONValue.integer(1)
        for _ in 0..<ProviderInputs.maxDepth { deep = .object([("a", deep)]) }
        #expect(ProviderInputs.problem(deep, kind: "fal", reserved: []) == nil)
        #expect(ProviderInputs.problem(.object([("a", deep)]), kind: "fal", reserved: []) == "nests deeper than 8 levels")
    }

    @Test func ordersCarryProviderInputsKeyedByProvider() throws {
        let order = try OrderValidator.validate(
            bytes: Array(#"{"provider_inputs": {"fal": {"guidance_scale": 4, "loras": [{"path": "l.safetensors", "scale": 0.8}]}}}"#.utf8))
        #expect(order.providerInputs?["fal"]?["guidance_scale"] == .integer(4))
        // Written back and read again to the same value; a follow-up's replace the kit's.
        #expect(try OrderValidator.validate(json: order.jsonValue) == order)
        var later = Order()
        later.providerInputs = try json(#"{"replicate": {}}"#)
        #expect(later.overlaying(order).providerInputs == later.providerInputs)
        #expect(Order().overlaying(order).providerInputs == order.providerInputs)
    }

    @Test(arguments: [
        (#"{"provider_inputs": []}"#, "order_wrong_type", "$.provider_inputs must be object keyed by provider name, got array"),
        (#"{"provider_inputs": {"fal": 3}}"#, "order_wrong_type", "$.provider_inputs.fal must be object of the provider's input fields"),
        (#"{"provider_inputs": {"../x": {}}}"#, "order_invalid_value", "$.provider_inputs.../x: use 1-64 of A-Z a-z 0-9 _ -"),
    ])
    func badProviderInputsAreRefusedWithTheirPath(order: String, code: String, detail: String) {
        do {
            _ = try OrderValidator.validate(bytes: Array(order.utf8))
            Issue.record("accepted \(order)")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(error.detail.hasPrefix(detail), "\(error.detail)")
        }
    }

    @Test func tooLargeProviderInputsAreRefused() {
        let text = #"{"provider_inputs": {"fal": {"notes": "# + "\"" + String(repeating: "x", count: 20_000) + "\"}}}"
        do {
            _ = try OrderValidator.validate(bytes: Array(text.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.code.rawValue == "order_invalid_value")
            #expect(error.detail.hasPrefix("$.provider_inputs.fal is 20012 bytes of JSON, allowed 16384"), "\(error.detail)")
        }
    }
}

@Suite("Control image choice (issue 17 item 4)")
struct ControlImageChoiceTests {
    @Test(arguments: [Stage.front, .side, .back, .halfBody, .fullBody, .scene("beach"), .swap("group")])
    func bodyViewsScenesAndSwapsAreControlledByTheSourceNotTheHeadshot(stage: Stage) {
        #expect(ControlImageChoice.choose(for: stage, hasSource: true, hasLockedReference: true, hasReferences: true) == .source)
        #expect(ControlImageChoice.choose(for: stage, hasSource: false, hasLockedReference: true, hasReferences: true) == .lockedReference)
    }

    @Test(arguments: [Stage.referenceAvatar, .profile, .expression("smile")])
    func headViewsAreControlledByTheLockedAvatar(stage: Stage) {
        #expect(ControlImageChoice.choose(for: stage, hasSource: true, hasLockedReference: true, hasReferences: false) == .lockedReference)
        #expect(ControlImageChoice.choose(for: stage, hasSource: true, hasLockedReference: false, hasReferences: false) == .source)
    }

    @Test func theAvatarUsesTheSourceAndTextOnlyScenesTheirCharacter() {
        #expect(ControlImageChoice.choose(for: .avatar, hasSource: true, hasLockedReference: false, hasReferences: false) == .source)
        #expect(
            ControlImageChoice.choose(for: .scene("deck"), hasSource: false, hasLockedReference: false, hasReferences: true)
                == .firstReference)
        #expect(ControlImageChoice.choose(for: .character("a"), hasSource: false, hasLockedReference: false, hasReferences: false) == nil)
    }
}
