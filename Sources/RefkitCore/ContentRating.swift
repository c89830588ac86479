/// How explicit an image is, in Civitai's four levels, in order: `None` < `Soft` < `Mature` < `X`.
/// The analyzer answers in film ratings, read as Civitai reads its own browsing levels
/// (G and PG are `None`, PG-13 `Soft`, R `Mature`), so one scale serves the analyzer, Civitai
/// items, orders' `source.rating` and `[[watch]] max_content_rating`.
public enum ContentRating: Int, Sendable, Comparable, CaseIterable {
    case none = 0
    case soft, mature, x

    public static func < (a: ContentRating, b: ContentRating) -> Bool { a.rawValue < b.rawValue }

    /// The names the config, orders, manifests and `--max-rating` use.
    public var name: String {
        switch self {
        case .none: "None"
        case .soft: "Soft"
        case .mature: "Mature"
        case .x: "X"
        }
    }

    /// The names `init(name:)` takes, for messages.
    public static let names = allCases.map(\.name)

    /// A level's name, or a film rating (G, PG, PG-13, R), case-insensitively; nil for anything
    /// else (Civitai's "Blocked" among them).
    public init?(name: String) {
        let key = name.uppercased().replacingOccurrences(of: " ", with: "")
        switch key {
        case "NONE", "G", "PG": self = .none
        case "SOFT", "PG-13", "PG13": self = .soft
        case "MATURE", "R": self = .mature
        case "X", "XXX": self = .x
        default: return nil
        }
    }

    /// The kit's rating: the analyzer's (`content_rating` in its stored answer) when it gave one,
    /// else the order's provenance (`source.rating`); nil when neither says.
    public static func of(analysis: JSONValue?, source: JSONValue?) -> ContentRating? {
        if case .string(let given)? = analysis?["content_rating"], let rating = ContentRating(name: given) { return rating }
        if case .string(let given)? = source?["rating"], let rating = ContentRating(name: given) { return rating }
        return nil
    }

    /// The refusal of a kit rated `self` by a watch whose limit is `limit` (nil: no limit), or nil
    /// when it may be generated. A kit without a rating is never refused here: nothing says it
    /// is above the limit, and the providers' own safety checks still apply.
    public func refusal(limit: ContentRating?, watch: String) -> RefkitError? {
        guard let limit, self > limit else { return nil }
        return RefkitError(
            .contentRatingRefused, "the kit is rated \(name), above watch \"\(watch)\"'s max_content_rating \(limit.name)",
            detail: "rating \(name), limit \(limit.name)")
    }
}
