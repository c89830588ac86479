import RefkitConfig
import RefkitCore
import Testing

/// `[providers.NAME] inputs` and an order's `provider_inputs` against the configuration (issue 17 item 4).
@Suite("Config: provider inputs")
struct ProviderInputsConfigTests {
    static func config(_ providers: String) -> String {
        configWithSecondWatch("name = \"w\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"", top: providers)
    }

    static let fal = """
        [providers.fal]
        app_id = "fal-ai/flux-lora"
        images_field = "image_urls"
        control_image_field = "control_image_url"
        """

    @Test func aTableBecomesJSONWithItsTypesKept() throws {
        let text = Self.config(
            Self.fal + "\n"
                + #"inputs = { loras = [{ path = "https://example.com/l.safetensors", scale = 0.8 }], guidance_scale = 3.5, num_inference_steps = 28, enable_safety_checker = false }"#
        )
        let config = try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        let inputs = try #require(config.providers["fal"]?.inputs)
        #expect(inputs["num_inference_steps"] == .integer(28))
        #expect(inputs["guidance_scale"] == .number(3.5, isInteger: false))
        #expect(inputs["enable_safety_checker"] == .bool(false))
        #expect(
            inputs["loras"]
                == .array([.object([("path", .string("https://example.com/l.safetensors")), ("scale", .number(0.8, isInteger: false))])]))
        // The provider's own keys stay strings for the provider; inputs are not among them.
        #expect(config.providers["fal"]?.extra["inputs"] == nil)
    }

    @Test func aTableSectionWorksLikeAnInlineTable() throws {
        let text = Self.config(
            """
            [providers.comfy]
            kind = "comfyui"
            workflow = "/etc/refkit/w.json"
            prompt_node = "6"
            seed_node = "25"
            [providers.comfy.inputs."25"]
            steps = 28
            """)
        let config = try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        #expect(config.providers["comfy"]?.inputs?["25"]?["steps"] == .integer(28))
    }

    @Test(
        "refused inputs name the key and its line",
        arguments: [
            ("[providers.gemini]\ninputs = { temperature = 1 } #!", "providers.gemini.inputs", "a gemini provider takes no fixed inputs"),
            (
                "[providers.openai]\ninputs = { quality = \"high\" } #!", "providers.openai.inputs",
                "an openai provider takes no fixed inputs"
            ),
            (fal + "\ninputs = { prompt = \"x\" } #!", "providers.fal.inputs", "prompt is written by refkit"),
            (fal + "\ninputs = { control_image_url = \"x\" } #!", "providers.fal.inputs", "control_image_url is written by refkit"),
            (
                "[providers.r]\nkind = \"replicate\"\ntarget_field = \"input_image\"\nface_field = \"swap_image\"\ninputs = { swap_image = \"x\" } #!",
                "providers.r.inputs", "swap_image is written by refkit"
            ),
            (
                "[providers.c]\nkind = \"comfyui\"\nprompt_node = \"6\"\nseed_node = \"25\"\ninputs = { \"25\" = { seed = 1 } } #!",
                "providers.c.inputs", "25.seed is written by refkit"
            ),
            ("[providers.fal]\ninputs = 3 #!", "providers.fal.inputs", "must be a table"),
            ("[providers.fal]\ninputs = { when = 1979-05-27 } #!", "providers.fal.inputs.when", "has no JSON form"),
            ("[providers.fal]\ninputs = { scale = inf } #!", "providers.fal.inputs.scale", "must be a finite number"),
        ])
    func refused(_ providers: String, key: String, message: String) throws {
        let text = Self.config(providers)
        let error = try #require(configError(text))
        #expect(error.key == key, "\(error)")
        #expect(error.line == BadConfig(name: "", text: text, key: key, message: "").markedLine, "\(error)")
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test func aWatchsDefaultOrderIsCheckedAtStartUp() throws {
        let text = configWithSecondWatch(
            "name = \"w\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n  [watch.default_order]\n  provider = \"fal\"\n"
                + "  provider_inputs = { fal = { seed = 1 } } #!", top: Self.fal)
        let error = try #require(configError(text))
        #expect(error.key == "watch[1].default_order.provider_inputs", "\(error)")
        #expect(error.line == BadConfig(name: "", text: text, key: "", message: "").markedLine, "\(error)")
        #expect(error.message.contains("$.provider_inputs.fal seed is written by refkit"), "\(error)")
    }

    @Test func anOrdersProviderInputsAreCheckedAgainstTheNamedProvider() throws {
        let text = Self.config(Self.fal + "\n[providers.gemini]\n")
        let config = try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        func problem(_ inputs: String) throws -> RefkitError? {
            let order = try OrderValidator.validate(bytes: Array(#"{"provider": "fal", "provider_inputs": \#(inputs)}"#.utf8))
            return config.providerProblem(for: order, watch: "w")
        }
        #expect(try problem(#"{"fal": {"guidance_scale": 4}}"#) == nil)
        let unknown = try #require(try problem(#"{"flux": {"guidance_scale": 4}}"#))
        #expect(unknown.code.rawValue == "order_provider_unknown")
        #expect(unknown.detail.hasPrefix("$.provider_inputs.flux: known providers are fal, gemini, preview"), "\(unknown.detail)")
        let seed = try #require(try problem(#"{"fal": {"seed": 4}}"#))
        #expect(seed.code.rawValue == "order_invalid_value")
        #expect(
            seed.detail == "$.provider_inputs.fal seed is written by refkit (the stage's prompt, images or seed) and cannot be set here")
        let gemini = try #require(try problem(#"{"gemini": {}}"#))
        #expect(gemini.detail == "$.provider_inputs.gemini a gemini provider takes no fixed inputs (only comfyui, fal, replicate do)")
    }
}
