/// Prompt control (issue 17, item 3): a style sentence added to every stage prompt and full
/// templates per stage kind, from an order's `prompts` over its watch's (`prompt_style`,
/// `prompts`) over the built-in wording (`Prompts.prompt(for:character:scene:)`).
public struct PromptTemplates: Sendable, Equatable {
    /// What a template is for: the stage name's kind (`expression:smile` is `expression`);
    /// avatar candidates are avatars.
    public enum Kind: String, CaseIterable, Sendable {
        case avatar
        case referenceAvatar = "reference_avatar"
        case front, side, back, profile
        case halfBody = "half_body"
        case fullBody = "full_body"
        case expression, scene, character, swap

        /// The kind of `stage`; nil for a stage no template can be given for.
        public init?(stage: Stage) {
            // By the stored name, so a stage kind added later simply has no template yet.
            let kind = stage.name.prefix { $0 != ":" }
            self.init(rawValue: kind == "candidate" ? "avatar" : String(kind))
        }
    }

    /// Added after every stage prompt (`prompt_style`, `"prompts": {"style": ...}`).
    public var style: String?
    /// Whole prompts per stage kind, with placeholders (`{subject}`, `{identity}`, …).
    public var templates: [Kind: String]

    public init(style: String? = nil, templates: [Kind: String] = [:]) {
        self.style = style
        self.templates = templates
    }

    /// The keys of an order's `prompts` and a watch's `prompts` table (`style` only in orders:
    /// a watch says `prompt_style`).
    public static let keys: [String] = ["style"] + Kind.allCases.map(\.rawValue)

    public var isEmpty: Bool { style == nil && templates.isEmpty }

    /// Placeholders every template may use; `{scene}` and `{expression}` only in their own kind.
    public static let commonPlaceholders = ["subject", "identity", "background"]

    /// The placeholders a template of `kind` may use (nil: the style sentence).
    public static func placeholders(for kind: Kind?) -> [String] {
        switch kind {
        case .scene?: commonPlaceholders + ["scene"]
        case .expression?: commonPlaceholders + ["expression"]
        default: commonPlaceholders
        }
    }

    /// Field by field: what this sets wins, the rest comes from `base` (order over watch).
    public func overlaying(_ base: PromptTemplates?) -> PromptTemplates {
        guard let base else { return self }
        return PromptTemplates(style: style ?? base.style, templates: base.templates.merging(templates) { $1 })
    }

    /// As an order's `prompts` object, in `keys` order.
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let style { members.append(("style", .string(style))) }
        for kind in Kind.allCases { if let t = templates[kind] { members.append((kind.rawValue, .string(t))) } }
        return .object(members)
    }

    /// One piece of a parsed template.
    enum Piece: Equatable {
        case text(String)
        case placeholder(String)
    }

    /// Parses a template: `{name}` is a placeholder, `{{` and `}}` are literal braces. Returns
    /// the pieces, or why the text is not a template.
    static func pieces(_ template: String) -> Result<[Piece], TemplateProblem> {
        var out: [Piece] = []
        var text = ""
        var rest = Substring(template)
        while let c = rest.first {
            rest.removeFirst()
            switch c {
            case "{" where rest.first == "{", "}" where rest.first == "}":
                text.append(c)
                rest.removeFirst()
            case "{":
                let name = rest.prefix { $0.isLetter || $0 == "_" }
                guard !name.isEmpty, rest.dropFirst(name.count).first == "}" else {
                    return .failure(.strayBrace("a \"{\" that opens no {placeholder} (write \"{{\" for a brace)"))
                }
                if !text.isEmpty { out.append(.text(text)) }
                text = ""
                out.append(.placeholder(String(name)))
                rest = rest.dropFirst(name.count + 1)
            case "}":
                return .failure(.strayBrace("a \"}\" that closes no {placeholder} (write \"}}\" for a brace)"))
            default:
                text.append(c)
            }
        }
        if !text.isEmpty { out.append(.text(text)) }
        return .success(out)
    }

    /// Why a text is not a usable template.
    public enum TemplateProblem: Error, Equatable, CustomStringConvertible {
        case strayBrace(String)
        case unknownPlaceholder(String, allowed: [String])

        public var description: String {
            switch self {
            case .strayBrace(let why): why
            case .unknownPlaceholder(let name, let allowed):
                "unknown placeholder {\(name)} (allowed here: \(allowed.map { "{\($0)}" }.joined(separator: ", ")))"
            }
        }
    }

    /// Nil when `template` parses and uses only the placeholders of `kind` (nil: the style).
    public static func problem(in template: String, kind: Kind?) -> TemplateProblem? {
        switch pieces(template) {
        case .failure(let problem): return problem
        case .success(let pieces):
            let allowed = placeholders(for: kind)
            for case .placeholder(let name) in pieces where !allowed.contains(name) {
                return .unknownPlaceholder(name, allowed: allowed)
            }
            return nil
        }
    }

    /// `template` with its placeholders replaced; a placeholder without a value becomes empty
    /// (validation already refused names the kind does not know).
    public static func render(_ template: String, values: [String: String]) -> String {
        guard case .success(let pieces) = pieces(template) else { return template }
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let t): out += t
            case .placeholder(let name): out += values[name] ?? ""
            }
        }
        // An empty placeholder leaves doubled spaces behind.
        while out.contains("  ") { out = out.replacingOccurrences(of: "  ", with: " ") }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

extension Prompts {
    /// The prompt for one stage under `templates`: the stage kind's template when one is given,
    /// else the built-in wording; then the style sentence. `characters` are those the stage
    /// shows (one for a kit; a text-only plan's scene shows those it names, or none: a place).
    public static func prompt(
        for stage: Stage, characters: [CharacterFacts], scene: String?, templates: PromptTemplates?
    ) -> String {
        let sceneText = scene.flatMap { $0.isEmpty ? nil : $0 }
        var values = [
            "subject": characters.map(describe).joined(separator: " and "), "identity": identity, "background": background,
        ]
        var base: String
        switch stage {
        case .scene(let id):
            values["scene"] = sceneText ?? id.replacingOccurrences(of: "_", with: " ")
            base =
                characters.count == 1
                ? prompt(for: stage, character: characters[0], scene: scene)
                : scenePrompt(characters: characters, scene: values["scene"] ?? id)
        case .expression(let name):
            values["expression"] = name.replacingOccurrences(of: "_", with: " ")
            base = prompt(for: stage, character: characters.first ?? CharacterFacts(), scene: scene)
        default:
            base = prompt(for: stage, character: characters.first ?? CharacterFacts(), scene: scene)
        }
        if let kind = PromptTemplates.Kind(stage: stage), let template = templates?.templates[kind] {
            base = PromptTemplates.render(template, values: values)
        }
        return styled(base, templates: templates, values: values)
    }

    /// `base` followed by the style sentence of `templates`, its placeholders filled from `values`.
    static func styled(_ base: String, templates: PromptTemplates?, values: [String: String]) -> String {
        guard let style = templates?.style.map({ PromptTemplates.render($0, values: values) }), !style.isEmpty else { return base }
        return "\(base) \(style)"
    }

    /// A scene of a text-only plan that shows several characters together, or none (a location
    /// reference, the SDXL generator's scenes-only plans).
    static func scenePrompt(characters: [CharacterFacts], scene: String) -> String {
        guard !characters.isEmpty else {
            return
                "A location reference image: \(scene). An establishing view of the place itself, no people, clear lighting, no text, "
                + "no watermark."
        }
        let who = characters.map(describe).joined(separator: "; and ")
        // The references go with the request in the order named, so the prompt says so.
        return
            "\(who.prefix(1).uppercased() + who.dropFirst()), together in this scene: \(scene). Keep each character exactly as in "
            + "their reference image (the images are in the same order): same face and facial features, same hair, same eye colour, "
            + "same skin tone, same outfit and accessories, same body proportions and art style. Natural composition, every "
            + "character clearly recognisable."
    }
}
