// Issue 17, item 2: images made from a kit. An order's `images` asks for `count` pictures of the
// character in the user's own words, each a stage `image:ID-N` made from the kit's locked
// reference and its best references, published as `images/ID-N.png`.

extension Order {
    /// One entry of an order's `images`: what to make, how many, at which aspect, by whom.
    public struct ImageRequest: Sendable, Equatable {
        /// The entry's name, part of each image's stage (`image:ID-N`) and file (`images/ID-N.png`).
        public var id: String
        /// The user's words: what the character does, wears, where.
        public var prompt: String
        /// How many images (1...`Stage.maxImages`), each with a seed of its own.
        public var count: Int
        /// What the images must not show, for providers that take one.
        public var negativePrompt: String?
        /// The images' shape (default 1:1), which decides their pixel size (`ImageAspect.size`).
        public var aspect: ImageAspect
        /// Keep the outfit of the kit's references; by default the prompt's words dress the character.
        public var keepOutfit: Bool
        /// Overrides the kit's provider for these images only.
        public var provider: String?
        /// Overrides the kit's model for these images only.
        public var model: String?

        /// An entry from its parts; the defaults are the order key's.
        public init(
            id: String, prompt: String, count: Int = 1, negativePrompt: String? = nil, aspect: ImageAspect = .square,
            keepOutfit: Bool = false, provider: String? = nil, model: String? = nil
        ) {
            self.id = id
            self.prompt = prompt
            self.count = count
            self.negativePrompt = negativePrompt
            self.aspect = aspect
            self.keepOutfit = keepOutfit
            self.provider = provider
            self.model = model
        }

        /// The stages the entry plans: `image:ID-1` … `image:ID-COUNT`.
        public var stages: [Stage] { (1...max(count, 1)).map { Stage.image(id: id, n: $0) } }

        /// The entry as `refkit.order/1` JSON (defaults left out).
        public var jsonValue: JSONValue {
            var members: [(key: String, value: JSONValue)] = [("id", .string(id)), ("prompt", .string(prompt))]
            if count != 1 { members.append(("count", .number(Double(count), isInteger: true))) }
            if let negativePrompt { members.append(("negative_prompt", .string(negativePrompt))) }
            if aspect != .square { members.append(("aspect", .string(aspect.rawValue))) }
            if keepOutfit { members.append(("keep_outfit", .bool(true))) }
            if let provider { members.append(("provider", .string(provider))) }
            if let model { members.append(("model", .string(model))) }
            return .object(members)
        }
    }

    /// Every stage the order's `images` plan, in order.
    public var imageStages: [Stage] { images.flatMap(\.stages) }

    /// The `images` entry a made-image stage belongs to; nil for other stages.
    public func imageRequest(for stage: Stage) -> ImageRequest? {
        guard case .image(let id, _) = stage else { return nil }
        return images.first { $0.id == id }
    }

    /// `images` of orders folded oldest first: entries add up, an id given again takes the later
    /// entry (its words make the images of that id still to be made).
    static func foldedImages(_ orders: [Order]) -> [ImageRequest] {
        var out: [ImageRequest] = []
        for order in orders {
            for image in order.images {
                out.removeAll { $0.id == image.id }
                out.append(image)
            }
        }
        return out
    }
}

/// The aspect ratios a made image may have, each with the one pixel size asked of providers.
public enum ImageAspect: String, Sendable, CaseIterable, Equatable {
    /// 1024x1024, the default.
    case square = "1:1"
    /// 768x1024.
    case portrait = "3:4"
    /// 1024x768.
    case landscape = "4:3"
    /// 1280x720.
    case wide = "16:9"
    /// 720x1280.
    case tall = "9:16"

    /// Width and height in pixels, multiples of 16 (what diffusion models take), about one megapixel.
    public var size: (width: Int, height: Int) {
        switch self {
        case .square: (1024, 1024)
        case .portrait: (768, 1024)
        case .landscape: (1024, 768)
        case .wide: (1280, 720)
        case .tall: (720, 1280)
        }
    }

    /// The accepted values, for messages: `1:1, 3:4, 4:3, 16:9, 9:16`.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension Stage {
    /// The most images one `images` entry may ask for.
    public static let maxImages = 8

    /// `ID-N` of a made image's stage name; nil unless ID is a safe identifier and N is 1...maxImages.
    static func madeImage(_ text: String) -> Stage? {
        guard let dash = text.lastIndex(of: "-") else { return nil }
        let id = String(text[..<dash])
        let number = String(text[text.index(after: dash)...])
        guard SafeName.isSafeIdentifier(id), let n = Int(number), String(n) == number, (1...maxImages).contains(n) else { return nil }
        return .image(id: id, n: n)
    }

    /// Whether this is an image made from an order's `images`.
    public var isMadeImage: Bool {
        if case .image = self { return true }
        return false
    }
}
