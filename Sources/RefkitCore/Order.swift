/// What to make for a kit (`refkit.order/1`), as validated from a sidecar, a standalone order or
/// a watch's default order.
public struct Order: Sendable, Equatable {
    public static let schema = "refkit.order/1"

    public struct Character: Sendable, Equatable {
        public var name: String?
        public var description: String?
        /// Known attributes (`gender`, `species`, `age`, `hair_color`, …) and free keys, in order.
        public var attributes: [(key: String, value: String)]

        public init(name: String? = nil, description: String? = nil, attributes: [(key: String, value: String)] = []) {
            self.name = name
            self.description = description
            self.attributes = attributes
        }

        public static func == (a: Character, b: Character) -> Bool {
            a.name == b.name && a.description == b.description
                && a.attributes.count == b.attributes.count
                && zip(a.attributes, b.attributes).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        }
    }

    public struct Scene: Sendable, Equatable {
        public var id: String
        public var description: String
        /// A text-only plan's characters this scene shows, by name (issue 17, item 5): it gets
        /// each one's reference and waits only for them. Empty: the plan's first character, if any.
        public var characters: [String]
        public init(id: String, description: String, characters: [String] = []) {
            self.id = id
            self.description = description
            self.characters = characters
        }
    }

    public enum Selection: String, Sendable, Equatable {
        case auto
        case manual
    }

    /// Stages as the order gave them: a profile or an explicit list.
    public enum StageRequest: Sendable, Equatable {
        case profile(StageProfile)
        case list([Stage])
    }

    public var kit: String?
    public var character: Character?
    public var stages: StageRequest?
    public var expressions: [String]?
    public var scenes: [Scene]
    public var candidates: Int?
    public var selection: Selection?
    public var provider: String?
    /// Runs a stage again with this provider when the first one fails finally.
    public var fallbackProvider: String?
    public var model: String?
    public var analyze: Bool?
    /// Whether references get automatic quality checks (nil: the configuration's `[qa] enabled`).
    public var qa: Bool?
    /// Which checks run, when not all the configuration enables (nil: those).
    public var qaChecks: [QACheckID]?
    public var budgetUSD: Double?
    public var priority: Int?
    /// Free provenance (`platform`, `url`, `id`, `author`, `meta`), kept as given.
    public var source: JSONValue?
    /// Text-only plans: several characters without a source image.
    public var characters: [Character]
    // Issue 17, item 2: images made from a kit (Order+Images.swift).
    /// Images of the character in the user's words, made from the kit's locked reference.
    public var images: [ImageRequest] = []

    // Control orders: `{"kit": "mira", "select": 2}`, `{"kit": "mira", "regenerate": ["side"]}`,
    // `{"kit": "mira", "retry": true}` act on an existing kit instead of asking for images.
    /// Locks avatar candidate N of a kit awaiting selection.
    public var select: Int?
    /// Makes these stages of the kit again, with a new seed.
    public var regenerate: [Stage]?
    /// Retries the kit's failed stages.
    public var retry: Bool?
    /// With `select` on a kit whose avatar was already chosen: also makes again the stages made
    /// from the earlier locked reference.
    public var remake: Bool?

    /// A face-swap follow-up: the kit's locked face onto `target`, the image dropped with the order.
    public struct FaceSwap: Sendable, Equatable {
        /// The file name of the image dropped with the order (`group.jpg`).
        public var target: String
        /// The output's name (`swaps/NAME.png`); default: the target's stem.
        public var name: String?

        public init(target: String, name: String? = nil) {
            self.target = target
            self.name = name
        }
    }

    public var faceSwap: FaceSwap?

    // Issue 17 item 1: several sources for one character.
    /// Images dropped beside the order, by file name, that all show the character: the first is
    /// the primary source (`source.jpg`), the others are references of every stage. Empty: the
    /// image that pairs with the order by its name stem, as always.
    public var sources: [String] = []
    // Issue 17 item 4 (provider inputs).
    /// `provider_inputs`: fixed extra inputs per configured provider name
    /// (`{"fal": {"guidance_scale": 4}}`), merged over that provider's `[providers.NAME] inputs`
    /// (`ProviderInputs.merged`).
    public var providerInputs: JSONValue?

    // Prompt control and scenes-only plans (issue 17, items 3 and 5).
    /// Style and per-stage prompt templates (`prompts`), over the watch's, over the built-in wording.
    public var prompts: PromptTemplates?
    /// What the images should not show (`negative_prompt`), sent to providers that take one.
    public var negativePrompt: String?
    /// A plan of scenes alone (location references), made without a source: `"characters": []`
    /// with `scenes`, or an order with scenes whose image never came.
    public var scenesOnly = false

    /// True for an order that acts on an existing kit (select, regenerate, retry).
    public var isControl: Bool { select != nil || regenerate != nil || retry == true }

    public init(
        kit: String? = nil, character: Character? = nil, stages: StageRequest? = nil, expressions: [String]? = nil,
        scenes: [Scene] = [], candidates: Int? = nil, selection: Selection? = nil, provider: String? = nil,
        model: String? = nil, analyze: Bool? = nil, budgetUSD: Double? = nil, priority: Int? = nil,
        source: JSONValue? = nil, characters: [Character] = []
    ) {
        self.kit = kit
        self.character = character
        self.stages = stages
        self.expressions = expressions
        self.scenes = scenes
        self.candidates = candidates
        self.selection = selection
        self.provider = provider
        self.model = model
        self.analyze = analyze
        self.budgetUSD = budgetUSD
        self.priority = priority
        self.source = source
        self.characters = characters
    }

    /// The default expressions of the `extended` profile.
    public static let defaultExpressions = ["smile", "serious", "surprised", "angry"]

    /// True for a text-only plan (characters without a source image).
    public var isTextOnlyPlan: Bool { !characters.isEmpty || scenesOnly }

    /// `base` filled in with every field this order leaves out (a sidecar over a watch's default).
    public func overlaying(_ base: Order) -> Order {
        var merged = self
        merged.kit = kit ?? base.kit
        merged.character = character ?? base.character
        merged.stages = stages ?? base.stages
        merged.expressions = expressions ?? base.expressions
        if scenes.isEmpty { merged.scenes = base.scenes }
        if images.isEmpty { merged.images = base.images }
        merged.candidates = candidates ?? base.candidates
        merged.selection = selection ?? base.selection
        merged.provider = provider ?? base.provider
        merged.fallbackProvider = fallbackProvider ?? base.fallbackProvider
        merged.model = model ?? base.model
        merged.analyze = analyze ?? base.analyze
        merged.qa = qa ?? base.qa
        merged.qaChecks = qaChecks ?? base.qaChecks
        merged.budgetUSD = budgetUSD ?? base.budgetUSD
        merged.priority = priority ?? base.priority
        merged.source = source ?? base.source
        merged.providerInputs = providerInputs ?? base.providerInputs
        if characters.isEmpty { merged.characters = base.characters }
        merged.prompts = prompts?.overlaying(base.prompts) ?? base.prompts
        merged.negativePrompt = negativePrompt ?? base.negativePrompt
        merged.scenesOnly = scenesOnly || (characters.isEmpty && base.scenesOnly)
        return merged
    }
}
