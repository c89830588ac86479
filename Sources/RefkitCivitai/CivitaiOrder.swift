import RefkitCore

/// The sidecar order written beside each image: a turnaround kit named `civitai-ID`, analysed
/// first, with the image's provenance (`source`) so it reaches the manifest.
public enum CivitaiOrder {
    /// The kit (and file stem) of a Civitai image.
    public static func kitName(_ imageID: Int64) -> String { "civitai-\(imageID)" }

    public static func json(for image: CivitaiImage, baseURL: String) -> JSONValue {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var source: [(key: String, value: JSONValue)] = [
            ("platform", .string("civitai")),
            ("id", .number(Double(image.id), isInteger: true)),
            ("url", .string("\(base)/images/\(image.id)")),
        ]
        if let username = image.username { source.append(("author", .string(username))) }
        // The kit's rating when the analyzer gives none (ContentRating.of), and the watch's limit's input.
        if let rating = image.rating { source.append(("rating", .string(rating.name))) }
        source.append(("meta", .object(image.orderMeta)))
        return .object([
            ("schema", .string(Order.schema)),
            ("kit", .string(kitName(image.id))),
            ("stages", .string("turnaround")),
            ("source", .object(source)),
            ("analyze", .bool(true)),
        ])
    }

    /// The order's bytes, checked with the validator the daemon uses (so a sidecar refkit writes
    /// is never rejected by refkit).
    public static func bytes(for image: CivitaiImage, baseURL: String) throws(RefkitError) -> [UInt8] {
        let bytes = Array((json(for: image, baseURL: baseURL).serialized + "\n").utf8)
        _ = try OrderValidator.validate(bytes: bytes)
        return bytes
    }
}

/// Decisions made on an item before anything is downloaded.
public struct CivitaiFilter: Sendable {
    public var maxRating: ContentRating
    public var minWidth: Int
    public var minHeight: Int

    public init(maxRating: ContentRating, minWidth: Int, minHeight: Int) {
        self.maxRating = maxRating
        self.minWidth = minWidth
        self.minHeight = minHeight
    }

    public init(_ settings: CivitaiSettings) {
        self.init(maxRating: settings.maxRating, minWidth: settings.minWidth, minHeight: settings.minHeight)
    }

    /// Why the item is skipped (`not_image`, `rating`, `too_small`), or nil to fetch it. An item
    /// without a readable rating is skipped: the ceiling is a promise.
    public func skipReason(_ image: CivitaiImage) -> String? {
        if let type = image.type, type != "image" { return "not_image" }
        guard let rating = image.rating, rating <= maxRating else { return "rating" }
        if let w = image.width, let h = image.height, w < minWidth || h < minHeight { return "too_small" }
        return nil
    }
}
