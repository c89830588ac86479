import RefkitCore

// Issue 17, item 2: a made image's entry in the manifest says what it was asked for; its
// provider, model, full prompt, seed and QA verdict are the stage's, as for every reference.

/// What an image made from an order's `images` was asked for (`image_request` of its stage).
public struct ManifestImageRequest: Sendable, Equatable {
    /// The `images` entry's id, and which of its `count` images this is (1-based).
    public var id: String
    public var n: Int
    /// The user's words, as given (the stage's `prompt` is what was sent: these words wrapped).
    public var prompt: String
    public var negativePrompt: String?
    /// `1:1`, `3:4`, `4:3`, `16:9` or `9:16`.
    public var aspect: String
    public var keepOutfit: Bool

    /// A request from its parts.
    public init(id: String, n: Int, prompt: String, negativePrompt: String?, aspect: String, keepOutfit: Bool) {
        self.id = id
        self.n = n
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.aspect = aspect
        self.keepOutfit = keepOutfit
    }

    /// The `image_request` object, every key present (`negative_prompt` null when none).
    public var jsonValue: JSONValue {
        .object([
            ("id", .string(id)), ("n", .integer(n)), ("prompt", .string(prompt)), ("negative_prompt", .optional(negativePrompt)),
            ("aspect", .string(aspect)), ("keep_outfit", .bool(keepOutfit)),
        ])
    }
}

extension ManifestDocument {
    /// Notes on each made image's stage the `images` entry (of the kit's folded orders) it was asked with.
    public mutating func noteImageRequests(_ images: [Order.ImageRequest]) {
        for i in stages.indices {
            guard case .image(let id, let n)? = Stage(name: stages[i].stage), let entry = images.first(where: { $0.id == id }) else {
                continue
            }
            stages[i].imageRequest = ManifestImageRequest(
                id: id, n: n, prompt: entry.prompt, negativePrompt: entry.negativePrompt, aspect: entry.aspect.rawValue,
                keepOutfit: entry.keepOutfit)
        }
    }
}
