import RefkitCore

/// One item of `GET /api/v1/images`, as refkit uses it. Unknown fields are ignored; a field of an
/// unexpected type reads as absent (Civitai's `meta` in particular varies by uploader).
public struct CivitaiImage: Sendable, Equatable {
    public var id: Int64
    public var url: String
    public var width: Int?
    public var height: Int?
    /// `image` or `video`.
    public var type: String?
    /// The item's rating as refkit ranks it (`nsfwLevel` string, else the `browsingLevel` bits).
    public var rating: ContentRating?
    public var username: String?
    public var baseModel: String?
    public var postID: Int64?
    /// The generation parameters, flattened (the legacy path nests them as `{"id":…,"meta":{…}}`);
    /// nil when Civitai sent `null` or nothing.
    public var meta: [(key: String, value: JSONValue)]?

    public static func == (lhs: CivitaiImage, rhs: CivitaiImage) -> Bool {
        lhs.id == rhs.id && lhs.url == rhs.url && lhs.width == rhs.width && lhs.height == rhs.height && lhs.type == rhs.type
            && lhs.rating == rhs.rating && lhs.username == rhs.username && lhs.baseModel == rhs.baseModel && lhs.postID == rhs.postID
            && lhs.meta.map { JSONValue.object($0) } == rhs.meta.map { JSONValue.object($0) }
    }

    /// The item parsed, or nil when it has no usable `id` and `url`.
    public init?(json: JSONValue) {
        guard let id = json["id"].flatMap(Self.int64), case .string(let url)? = json["url"], !url.isEmpty else { return nil }
        self.id = id
        self.url = url
        width = json["width"].flatMap(Self.int64).map(Int.init)
        height = json["height"].flatMap(Self.int64).map(Int.init)
        if case .string(let t)? = json["type"] { type = t }
        if case .string(let u)? = json["username"] { username = u }
        if case .string(let b)? = json["baseModel"] { baseModel = b }
        postID = json["postId"].flatMap(Self.int64)
        rating = ContentRating(nsfwLevel: json["nsfwLevel"], browsingLevel: json["browsingLevel"])
        meta = Self.flatMeta(json["meta"])
    }

    /// The generation parameters whatever the path: flat, or nested under `meta.meta`.
    static func flatMeta(_ value: JSONValue?) -> [(key: String, value: JSONValue)]? {
        guard case .object(var members)? = value else { return nil }
        // Legacy nesting: {"id": 123, "meta": {...}} (only these keys, the inner one an object).
        if case .object(let inner)? = value?["meta"], members.allSatisfy({ ["id", "meta"].contains($0.key) }) {
            members = inner
        }
        return members
    }

    static func int64(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let d, _): Int64(exactly: d)
        case .string(let s): Int64(s)
        default: nil
        }
    }

    /// The public page of the image (the API's `url` is the CDN file).
    public var pageURL: String { "https://civitai.com/images/\(id)" }

    /// Generation parameters for the order's `source.meta`: the common ones under refkit's names
    /// (`prompt`, `negative_prompt`, `model`, `model_hash`, `seed`, `steps`, `sampler`,
    /// `cfg_scale`, `size`, `clip_skip`, `base_model`), scalars only, long text cut. Uploaders'
    /// free keys and resource lists are left out: they make orders large and say little.
    public var orderMeta: [(key: String, value: JSONValue)] {
        let names: [(from: String, to: String)] = [
            ("prompt", "prompt"), ("negativePrompt", "negative_prompt"), ("Model", "model"), ("Model hash", "model_hash"),
            ("seed", "seed"), ("steps", "steps"), ("sampler", "sampler"), ("cfgScale", "cfg_scale"), ("Size", "size"),
            ("Clip skip", "clip_skip"),
        ]
        var out: [(key: String, value: JSONValue)] = []
        for (from, to) in names {
            guard let value = meta?.first(where: { $0.key == from })?.value else { continue }
            switch value {
            case .string(let s): out.append((to, .string(String(s.prefix(Self.maxMetaText)))))
            case .number, .bool: out.append((to, value))
            default: continue
            }
        }
        if let baseModel { out.append(("base_model", .string(baseModel))) }
        return out
    }

    static let maxMetaText = 4000
}

/// Civitai's items rated on the one scale (`ContentRating`). `nsfwLevel` names the levels
/// (`None`, `Soft`, `Mature`, `X`); `browsingLevel` is a bitmask (1 PG, 2 PG-13, 4 R, 8 X,
/// 16 XXX) of which the highest bit counts.
extension ContentRating {
    /// From an item's fields; nil when neither is readable (such an item is treated as over any ceiling).
    init?(nsfwLevel: JSONValue?, browsingLevel: JSONValue?) {
        if case .string(let name)? = nsfwLevel {
            guard let rating = ContentRating(name: name) else { return nil }  // "Blocked" and unknown words
            self = rating
            return
        }
        let bits: Int64?
        if case .number? = nsfwLevel {
            bits = nsfwLevel.flatMap(CivitaiImage.int64)
        } else {
            bits = browsingLevel.flatMap(CivitaiImage.int64)
        }
        guard let bits, bits > 0 else { return nil }
        switch bits {
        case 1: self = .none
        case 2...3: self = .soft
        case 4...7: self = .mature
        default: self = .x
        }
    }
}
