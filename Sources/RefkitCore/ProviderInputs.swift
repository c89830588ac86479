import Foundation

/// Fixed extra inputs for the providers that run an arbitrary app or workflow (fal, Replicate,
/// ComfyUI; issue 17 item 4): LoRAs, guidance, steps, strength, sizes — anything the app takes.
/// They come from `[providers.NAME] inputs` and from an order's `provider_inputs.NAME`, are
/// merged (the order over the configuration), checked, sent with every request of that
/// provider and recorded per reference in the manifest (`inputs`).
///
/// fal and Replicate take a flat object merged into the app's input JSON; ComfyUI takes
/// `{"<node id>": {"<input name>": value}}`, written into the workflow's nodes. Fields refkit
/// writes itself (the prompt, the images, the seed, a ComfyUI size) are refused, not silently
/// overridden: a request's own values must not depend on what a configuration happens to say.
public enum ProviderInputs {
    /// The provider kinds that take inputs; the others (gemini, openai, preview) have fixed
    /// request shapes, so inputs for them are refused at start-up and at intake.
    public static let kinds: Set<String> = ["fal", "replicate", "comfyui"]
    /// Bound of one provider's inputs as serialised JSON: LoRA lists and step counts are small,
    /// and the inputs go into every request of the provider and into every manifest entry.
    public static let maxBytes = 16_384
    /// Bound of the nesting depth, so a hostile order cannot make serialising recurse deeply.
    public static let maxDepth = 8

    /// Why `value` cannot be the inputs of a provider of `kind` whose own fields are `reserved`
    /// (`reservedFields`); nil when it can. Messages name the key (`guidance_scale`, `25.seed`).
    public static func problem(_ value: JSONValue, kind: String, reserved: Set<String>) -> String? {
        guard kinds.contains(kind) else {
            let takers = kinds.sorted().joined(separator: ", ")
            return "\(EnglishArticle.withIndefinite("\(kind) provider")) takes no fixed inputs (only \(takers) do)"
        }
        guard case .object(let members) = value else { return "must be an object, got \(value.typeName)" }
        guard depth(value) <= maxDepth else { return "nests deeper than \(maxDepth) levels" }
        let size = value.serialized.utf8.count
        guard size <= maxBytes else { return "is \(size) bytes of JSON, more than \(maxBytes)" }
        for (key, inner) in members {
            guard !key.isEmpty else { return "has an empty key" }
            if kind == "comfyui" {
                guard case .object(let inputs) = inner else {
                    return "\(key) must be an object of input names and values (a ComfyUI node's inputs), got \(inner.typeName)"
                }
                for (input, _) in inputs where reserved.contains("\(key).\(input)") {
                    return "\(key).\(input) is written by refkit (the stage's prompt, seed, image or size) and cannot be set here"
                }
                if inputs.contains(where: { $0.key.isEmpty }) { return "\(key) has an empty input name" }
            } else if reserved.contains(key) {
                return "\(key) is written by refkit (the stage's prompt, images or seed) and cannot be set here"
            }
        }
        return nil
    }

    /// The configuration's inputs with the order's over them: key by key (shallow) for fal and
    /// Replicate; node by node and then input by input for ComfyUI, whose keys are node ids (an
    /// order setting a node's `steps` keeps the configuration's `cfg` of the same node).
    public static func merged(config: JSONValue?, order: JSONValue?, kind: String) -> JSONValue? {
        guard kinds.contains(kind) else { return nil }
        guard case .object(var members)? = config else { return order }
        guard case .object(let over)? = order else { return config }
        for (key, value) in over {
            guard let i = members.firstIndex(where: { $0.key == key }) else {
                members.append((key, value))
                continue
            }
            if kind == "comfyui", case .object = members[i].value, case .object = value {
                members[i].value = merged(config: members[i].value, order: value, kind: "fal")!
            } else {
                members[i].value = value
            }
        }
        return .object(members)
    }

    /// The fields refkit writes into a request of a provider of `kind` configured with `settings`
    /// (its `[providers.NAME]` extra keys): for fal and Replicate the input field names (the
    /// prompt, the images, the face swap's and the control image's, `seed`); for ComfyUI
    /// `NODE.INPUT` of the prompt, seed, image and size nodes.
    public static func reservedFields(kind: String, settings: [String: String]) -> Set<String> {
        func setting(_ key: String) -> String? {
            settings[key].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func list(_ key: String) -> [String] {
            (settings[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        switch kind {
        case "fal", "replicate":
            var fields: Set<String> = ["seed", setting("prompt_field") ?? "prompt"]
            if let list = setting("images_field") { fields.insert(list) }
            fields.insert(setting("image_field") ?? (kind == "fal" ? "image_url" : "input_image"))
            for key in ["target_field", "face_field", "control_image_field"] { setting(key).map { _ = fields.insert($0) } }
            return fields
        case "comfyui":
            var fields: Set<String> = []
            if let node = setting("prompt_node") { fields.formUnion(["\(node).text", "\(node).prompt"]) }
            if let node = setting("seed_node") { fields.formUnion(["\(node).seed", "\(node).noise_seed"]) }
            for node in list("image_nodes") + list("control_image_node") { fields.insert("\(node).image") }
            if let node = setting("size_node") { fields.formUnion(["\(node).width", "\(node).height"]) }
            return fields
        default:
            return []
        }
    }

    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.map(depth).max() ?? 0)
        case .object(let members): 1 + (members.map { depth($0.value) }.max() ?? 0)
        default: 0
        }
    }
}
