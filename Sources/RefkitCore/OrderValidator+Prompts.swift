/// The parts of `refkit.order/1` for prompt control and text-only plans (issue 17, items 3
/// and 5): `prompts`, `negative_prompt`, a scene's `characters`, and scenes-only plans.
extension OrderValidator {
    /// The longest template, style or negative prompt: a paragraph, not a document.
    static let maxPromptText = 4000

    /// Reads `prompts` and `negative_prompt` into `order`, and checks what the scenes name
    /// against the plan's characters. Called once the rest of the order is read.
    static func parsePromptControl(_ json: JSONValue, into order: inout Order) throws(RefkitError) {
        if let prompts = json["prompts"] { order.prompts = try promptTemplates(prompts, path: "$.prompts", styleKey: "style") }
        if let negative = json["negative_prompt"] { order.negativePrompt = try negativePrompt(negative, path: "$.negative_prompt") }
        if case .array(let items)? = json["characters"], items.isEmpty {
            // `"characters": []` says "no characters": a plan of scenes alone (location references).
            guard !order.scenes.isEmpty else {
                throw RefkitError(
                    .orderMissingField, "a plan without characters needs scenes",
                    detail: "$.characters is empty and $.scenes is missing: give \"scenes\" (location references) or characters")
            }
            order.scenesOnly = true
        }
        let names = Set(order.characters.compactMap(\.name))
        for (i, scene) in order.scenes.enumerated() {
            for (j, name) in scene.characters.enumerated() where !names.contains(name) {
                // A follow-up names its kit's characters, which are not in the follow-up itself.
                guard order.characters.isEmpty && order.kit != nil && !order.scenesOnly else {
                    throw RefkitError(
                        .orderInvalidValue, "a scene names a character the plan does not have",
                        detail: "$.scenes[\(i)].characters[\(j)] \"\(name)\" is not the name of one of $.characters")
                }
            }
        }
    }

    /// A follow-up's scenes against the text-only kit they join: a name none of the kit's
    /// characters has is an error with its JSON path (the follow-up alone cannot tell).
    public static func checkSceneCharacters(_ followUp: Order, kit: Order) -> RefkitError? {
        let names = Set(kit.characters.compactMap(\.name))
        for (i, scene) in followUp.scenes.enumerated() {
            for (j, name) in scene.characters.enumerated() where !names.contains(name) {
                return RefkitError(
                    .orderInvalidValue, "a scene names a character the kit does not have",
                    detail: "$.scenes[\(i)].characters[\(j)] \"\(name)\": the kit has \(names.sorted().joined(separator: ", "))")
            }
        }
        return nil
    }

    /// A scene's `characters`: names of the plan's characters, each once.
    static func sceneCharacters(_ value: JSONValue, path: String) throws(RefkitError) -> [String] {
        let items = try array(value, path)
        var out: [String] = []
        for (i, item) in items.enumerated() {
            let name = try identifier(item, path: "\(path)[\(i)]", what: "character name")
            guard !out.contains(name) else {
                throw RefkitError(.orderDuplicateId, "a scene names a character twice", detail: "\(path)[\(i)] \"\(name)\"")
            }
            out.append(name)
        }
        return out
    }

    /// A `prompts` object (an order's, or a watch's table when `styleKey` is nil): known keys,
    /// string templates whose placeholders their kind knows. Errors name the key's path.
    public static func promptTemplates(_ value: JSONValue, path: String, styleKey: String?) throws(RefkitError) -> PromptTemplates {
        guard case .object(let members) = value else { throw wrongType(path, "object", value) }
        let allowed = Set(PromptTemplates.Kind.allCases.map(\.rawValue) + (styleKey.map { [$0] } ?? []))
        try checkKeys(members, allowed: allowed, path: path)
        var templates = PromptTemplates()
        for (key, item) in members {
            let kind = PromptTemplates.Kind(rawValue: key)
            let text = try boundedText(item, "\(path).\(key)", max: maxPromptText)
            if let problem = PromptTemplates.problem(in: text, kind: kind) {
                throw RefkitError(.orderInvalidValue, "the prompt template cannot be used", detail: "\(path).\(key): \(problem)")
            }
            if let kind { templates.templates[kind] = text } else { templates.style = text }
        }
        return templates
    }

    /// A style sentence (a watch's `prompt_style`): a template of the common placeholders.
    public static func promptStyle(_ value: JSONValue, path: String) throws(RefkitError) -> String {
        let text = try boundedText(value, path, max: maxPromptText)
        if let problem = PromptTemplates.problem(in: text, kind: nil) {
            throw RefkitError(.orderInvalidValue, "the prompt style cannot be used", detail: "\(path): \(problem)")
        }
        return text
    }

    /// A negative prompt: plain text, one paragraph at most.
    public static func negativePrompt(_ value: JSONValue, path: String) throws(RefkitError) -> String {
        let text = try boundedText(value, path, max: maxPromptText)
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw RefkitError(.orderInvalidValue, "the negative prompt holds control characters", detail: path)
        }
        return text
    }
}

extension Order.Scene {
    /// As an order's scene object (`characters` only when it names some).
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(id)), ("description", .string(description))]
        if !characters.isEmpty { members.append(("characters", .array(characters.map(JSONValue.string)))) }
        return .object(members)
    }
}
