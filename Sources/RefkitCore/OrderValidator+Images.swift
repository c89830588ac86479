// Issue 17, item 2: the order key `images`, validated like the rest of `refkit.order/1`:
// every error names its JSON path (`$.images[1].count`).

extension OrderValidator {
    static let imageKeys: Set<String> = ["id", "prompt", "count", "negative_prompt", "aspect", "keep_outfit", "provider", "model"]
    /// The longest prompt and negative prompt an image may have (characters).
    public static let maxImagePromptLength = 4000

    /// `images`: a non-empty list of `{"id", "prompt", ...}`, ids unique. `order` is the order
    /// parsed so far (its control actions and face swap), `json` the whole order: images are made
    /// from a kit's locked avatar, so neither a text-only plan (`characters`, even empty) nor a
    /// control or face-swap order (which do one other thing) may ask for them.
    static func parseImages(_ value: JSONValue, order: Order, json: JSONValue) throws(RefkitError) -> [Order.ImageRequest] {
        let items = try array(value, "$.images")
        guard !items.isEmpty else { throw RefkitError(.orderInvalidValue, "images list is empty", detail: "$.images") }
        if json["characters"] != nil {
            throw RefkitError(
                .orderInvalidValue, "a text-only plan has no locked avatar to make images from",
                detail: "$.images with $.characters: make the plan first, then images of one kit")
        }
        if order.isControl || order.faceSwap != nil {
            throw RefkitError(
                .orderInvalidControl, "a control or face swap order does one thing",
                detail: "$.images (send the images in an order of their own: {\"kit\": ..., \"images\": [...]})")
        }
        var out: [Order.ImageRequest] = []
        for (i, item) in items.enumerated() {
            let image = try parseImage(item, path: "$.images[\(i)]")
            guard !out.contains(where: { $0.id == image.id }) else {
                throw RefkitError(.orderDuplicateId, "image id used twice", detail: "$.images[\(i)].id \"\(image.id)\"")
            }
            out.append(image)
        }
        return out
    }

    static func parseImage(_ item: JSONValue, path: String) throws(RefkitError) -> Order.ImageRequest {
        guard case .object(let members) = item else { throw wrongType(path, "object", item) }
        try checkKeys(members, allowed: imageKeys, path: path)
        guard let idValue = item["id"] else {
            throw RefkitError(.orderMissingField, "each image needs an id", detail: "\(path).id is missing")
        }
        let id = try identifier(idValue, path: "\(path).id", what: "image id")
        // The stage name adds `-N` to the id, and a stage name is a safe identifier too (1-64).
        guard id.count <= 61 else {
            throw RefkitError(.orderInvalidValue, "image id is longer than 61 characters", detail: "\(path).id \"\(id)\"")
        }
        guard let promptValue = item["prompt"] else {
            throw RefkitError(.orderMissingField, "each image needs a prompt", detail: "\(path).prompt is missing")
        }
        let prompt = try boundedText(promptValue, "\(path).prompt", max: maxImagePromptLength)
        guard !prompt.allSatisfy(\.isWhitespace), !prompt.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw RefkitError(.orderInvalidValue, "the prompt is empty or has control characters", detail: "\(path).prompt")
        }
        var image = Order.ImageRequest(id: id, prompt: prompt)
        if let count = item["count"] {
            let n = try integer(count, "\(path).count")
            guard (1...Stage.maxImages).contains(n) else {
                throw RefkitError(
                    .orderInvalidValue, "image count out of range", detail: "\(path).count is \(n), allowed 1...\(Stage.maxImages)")
            }
            image.count = n
        }
        if let negative = item["negative_prompt"] {
            let text = try boundedText(negative, "\(path).negative_prompt", max: maxImagePromptLength)
            image.negativePrompt = text.allSatisfy(\.isWhitespace) ? nil : text
        }
        if let aspect = item["aspect"] {
            let text = try string(aspect, "\(path).aspect")
            guard let value = ImageAspect(rawValue: text) else {
                throw RefkitError(
                    .orderInvalidValue, "unknown aspect ratio",
                    detail: "\(path).aspect is \"\(text)\", expected one of \(ImageAspect.names)")
            }
            image.aspect = value
        }
        if let keep = item["keep_outfit"] {
            guard case .bool(let b) = keep else { throw wrongType("\(path).keep_outfit", "boolean", keep) }
            image.keepOutfit = b
        }
        if let provider = item["provider"] {
            let p = try string(provider, "\(path).provider")
            guard SafeName.isSafeIdentifier(p) else {
                throw RefkitError(.orderInvalidValue, "provider name is not valid", detail: "\(path).provider \"\(p)\"")
            }
            image.provider = p
        }
        if let model = item["model"] {
            let m = try string(model, "\(path).model")
            guard (1...200).contains(m.count), !m.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw RefkitError(.orderInvalidValue, "model name is not valid", detail: "\(path).model")
            }
            image.model = m
        }
        return image
    }
}
