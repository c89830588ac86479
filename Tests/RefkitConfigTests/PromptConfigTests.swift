import RefkitConfig
import RefkitCore
import Testing

/// A watch's prompt control (issue 17, item 3): `prompt_style`, `prompts`, `negative_prompt`,
/// and where providers take the negative prompt.
@Suite("Config: prompt control")
struct PromptConfigTests {
    func parse(_ text: String) throws -> Configuration {
        try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
    }

    @Test func theLockedReferenceCloseUpIsOneLine() throws {
        let closeUp = "face clearly visible from shoulders up, natural daylight, shallow depth of field, photorealistic"
        let config = try parse(
            configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nprompt_style = \"\(closeUp)\""))
        #expect(config.watch(named: "bulk")?.defaultOrder.prompts == PromptTemplates(style: closeUp))
        #expect(config.watch(named: "manual")?.defaultOrder.prompts == nil, "no keys: the built-in wording")
    }

    @Test func templatesAndTheNegativePromptWinOverTheDefaultOrdersKeyByKey() throws {
        let config = try parse(
            configWithSecondWatch(
                """
                name = "bulk"
                inbox = "/b/in"
                outbox = "/b/out"
                negative_prompt = "blurry, extra fingers"
                prompts = { avatar = "Close-up of {subject}. {identity}", scene = "{subject}: {scene}" }
                  [watch.default_order]
                  negative_prompt = "text"
                  prompts = { style = "from the order", front = "order front", avatar = "order avatar" }
                """))
        let order = try #require(config.watch(named: "bulk")?.defaultOrder)
        #expect(order.negativePrompt == "blurry, extra fingers")
        #expect(order.prompts?.style == "from the order")
        #expect(
            order.prompts?.templates == [.avatar: "Close-up of {subject}. {identity}", .scene: "{subject}: {scene}", .front: "order front"])
    }

    @Test(
        "a bad template names the key and its line",
        arguments: [
            ("prompt_style = \"{scene} look\" #!", "watch[1].prompt_style", "unknown placeholder {scene}"),
            ("negative_prompt = 3 #!", "watch[1].negative_prompt", "string"),
            ("[watch.prompts]\nfront = \"ok\"\navatar = \"{subjekt}\" #!", "watch[1].prompts.avatar", "unknown placeholder {subjekt}"),
            ("prompts = { style = \"x\" } #!", "watch[1].prompts.style", "not a key"),
            ("prompts = { side = \"a { b\" } #!", "watch[1].prompts.side", "opens no {placeholder}"),
        ])
    func bad(_ lines: String, key: String, message: String) throws {
        let c = BadConfig(
            name: key, text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\(lines)"), key: key,
            message: message)
        let error = try #require(configError(c.text))
        #expect(error.key == c.key, "\(error)")
        #expect(error.line == c.markedLine, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func providersThatTakeANegativePromptSayWhere() throws {
        let config = try parse(
            configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"",
                top: """
                    [providers.fal]
                    negative_prompt_field = "negative"
                    [providers.replicate]
                    negative_prompt_field = ""
                    """))
        #expect(config.providers["fal"]?.extra["negative_prompt_field"] == "negative")
        #expect(config.providers["replicate"]?.extra["negative_prompt_field"] == "")
        let gemini = configError(
            configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"", top: "[providers.gemini]\nnegative_prompt_field = \"n\""))
        #expect(gemini?.key == "providers.gemini.negative_prompt_field", "Gemini has no negative field to name")
    }
}
