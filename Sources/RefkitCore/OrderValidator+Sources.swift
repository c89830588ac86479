// Issue 17 item 1: an order's `sources`, several images of one character dropped beside it.
extension OrderValidator {
    /// The most images one character is made from (`sources`, or a `NAME.kit/` folder): every
    /// stage may carry them all, so a bound keeps requests within what providers take.
    public static let maxSources = 16

    /// Whether `name` is a plain file name in the order's own folder: 1-255 bytes, no `/`, not
    /// hidden (dot files are never taken in), no control characters.
    public static func isPlainFileName(_ name: String) -> Bool {
        (1...255).contains(name.utf8.count) && !name.contains("/") && !name.hasPrefix(".")
            && !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
    }

    /// `"sources": ["mira-1.jpg", "mira-2.jpg"]`: 1-16 distinct plain file names that are not
    /// orders; not with a face swap, a control order or a text-only plan, which take no source.
    static func parseSources(_ value: JSONValue, order: Order) throws(RefkitError) -> [String] {
        guard case .array(let items) = value, !items.isEmpty else {
            throw wrongType("$.sources", "non-empty array of file names", value)
        }
        guard items.count <= maxSources else {
            throw RefkitError(
                .orderInvalidValue, "too many sources", detail: "$.sources has \(items.count) names, allowed 1...\(maxSources)")
        }
        var names: [String] = []
        for (i, item) in items.enumerated() {
            let path = "$.sources[\(i)]"
            let name = try string(item, path)
            guard isPlainFileName(name) else {
                throw RefkitError(
                    .orderInvalidValue, "a source must be a plain file name in the order's folder", detail: "\(path) \"\(name)\"")
            }
            guard !name.lowercased().hasSuffix(".json") else {
                throw RefkitError(.orderInvalidValue, "a source is an image, not an order", detail: "\(path) \"\(name)\"")
            }
            guard !names.contains(name) else {
                throw RefkitError(.orderDuplicateId, "source named twice", detail: "\(path) \"\(name)\"")
            }
            names.append(name)
        }
        let conflict =
            order.faceSwap != nil ? "face_swap" : order.isControl ? "a control order" : order.isTextOnlyPlan ? "characters" : nil
        if let conflict {
            throw RefkitError(.orderInvalidValue, "sources do not go with \(conflict)", detail: "$.sources")
        }
        return names
    }
}
