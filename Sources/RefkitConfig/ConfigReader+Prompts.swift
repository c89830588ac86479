import RefkitCore

/// A watch's prompt control (issue 17, item 3): `prompt_style`, `prompts` and `negative_prompt`,
/// read into its default order so every kit of the watch records them with its order.
extension ConfigReader {
    static let watchPromptKeys: Set<String> = ["prompt_style", "prompts", "negative_prompt"]
    /// Where providers that take a negative prompt get it: fal's and Replicate's input field,
    /// ComfyUI's negative text node.
    static let negativePromptKeys: [String: Set<String>] = [
        "fal": ["negative_prompt_field"], "replicate": ["negative_prompt_field"], "comfyui": ["negative_node"],
    ]

    /// The watch's own keys win over its default order's (`default_order.prompts`), key by key.
    func readWatchPrompts(_ node: ConfigNode, path p: String, into order: inout Order) throws(ConfigError) {
        var templates = PromptTemplates()
        do {
            if let style = node["prompt_style"] {
                // Empty says "no style", as in the example configuration.
                let text = try OrderValidator.promptStyle(toJSON(style), path: "\(p).prompt_style")
                templates.style = text.isEmpty ? nil : text
            }
            if let prompts = node["prompts"] {
                // A table of full templates; the style has its own key here.
                let table = try OrderValidator.promptTemplates(toJSON(prompts), path: "\(p).prompts", styleKey: nil)
                templates.templates = table.templates
            }
            if let negative = node["negative_prompt"] {
                let text = try OrderValidator.negativePrompt(toJSON(negative), path: "\(p).negative_prompt")
                if !text.isEmpty { order.negativePrompt = text }
            }
        } catch {
            // The detail starts with the key's path (`watch[0].prompts.avatar: unknown placeholder {x} …`).
            let key = error.detail.prefix { $0 != ":" && $0 != " " }
            throw fail(String(key), "\(error.message): \(error.detail.dropFirst(key.count).drop { $0 == ":" || $0 == " " })")
        }
        if !templates.isEmpty { order.prompts = templates.overlaying(order.prompts) }
    }
}
