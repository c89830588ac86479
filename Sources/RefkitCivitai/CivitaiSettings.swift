import Foundation
import RefkitConfig
import RefkitCore

/// What one `refkit civitai` run asks for: the `[civitai]` config section with the command
/// line's overrides applied.
public struct CivitaiSettings: Sendable {
    public var baseURL: String
    /// Images to write into the inbox (new ones: seen and filtered images do not count).
    public var limit: Int
    /// Items asked per page (the API's `limit`, 1-200).
    public var pageSize: Int
    /// Pages read at most per run, so a run whose feed is all seen or filtered ends.
    public var maxPages: Int
    public var period: String
    public var sort: String
    public var nsfw: String
    public var modelID: Int64?
    public var username: String?
    public var tags: String?
    /// Items rated above this are skipped before download.
    public var maxRating: ContentRating
    public var minWidth: Int
    public var minHeight: Int
    /// Bytes one image download may have (the daemon's `max_source_bytes` by default).
    public var maxImageBytes: Int
    public var maxImagePixels: Int
    /// Attempts per request on 429, 5xx and network failures.
    public var attempts: Int
    /// A `Retry-After` longer than this ends the run instead of waiting.
    public var maxRetryWaitSeconds: Int
    /// Per request.
    public var timeoutSeconds: Int

    public init(
        baseURL: String = "https://civitai.com", limit: Int = 20, pageSize: Int = 50, maxPages: Int = 20, period: String = "Day",
        sort: String = "Most Reactions", nsfw: String = "None", modelID: Int64? = nil, username: String? = nil, tags: String? = nil,
        maxRating: ContentRating = .none, minWidth: Int = 512, minHeight: Int = 512, maxImageBytes: Int = 52_428_800,
        maxImagePixels: Int = 100_000_000, attempts: Int = 5, maxRetryWaitSeconds: Int = 120, timeoutSeconds: Int = 60
    ) {
        self.baseURL = baseURL
        self.limit = limit
        self.pageSize = pageSize
        self.maxPages = maxPages
        self.period = period
        self.sort = sort
        self.nsfw = nsfw
        self.modelID = modelID
        self.username = username
        self.tags = tags
        self.maxRating = maxRating
        self.minWidth = minWidth
        self.minHeight = minHeight
        self.maxImageBytes = maxImageBytes
        self.maxImagePixels = maxImagePixels
        self.attempts = attempts
        self.maxRetryWaitSeconds = maxRetryWaitSeconds
        self.timeoutSeconds = timeoutSeconds
    }

    /// From the configuration (`[civitai]` and `[limits]`).
    public init(_ configuration: Configuration) {
        let c = configuration.civitai
        self.init(
            baseURL: c.baseURL, limit: c.limit, pageSize: c.pageSize, maxPages: c.maxPages, period: c.period, sort: c.sort, nsfw: c.nsfw,
            modelID: c.modelID, username: c.username, tags: c.tags, maxRating: ContentRating(name: c.maxRating) ?? .none,
            minWidth: c.minWidth, minHeight: c.minHeight, maxImageBytes: c.maxImageBytes ?? configuration.limits.maxSourceBytes,
            maxImagePixels: configuration.limits.maxSourcePixels, attempts: c.attempts, maxRetryWaitSeconds: c.maxRetryWaitSeconds,
            timeoutSeconds: c.timeoutSeconds)
    }

    /// The query of the first page (`withMeta=true` always: the meta is the provenance).
    public var firstPageQuery: [(name: String, value: String)] {
        var query: [(String, String)] = [
            ("limit", String(pageSize)), ("period", period), ("sort", sort), ("nsfw", nsfw), ("withMeta", "true"),
        ]
        if let modelID { query.append(("modelId", String(modelID))) }
        if let username { query.append(("username", username)) }
        if let tags { query.append(("tags", tags)) }
        return query
    }

    /// `base/api/v1/images?…` with the values percent-encoded.
    public func imagesURL(cursor: String?) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var query = firstPageQuery
        if let cursor { query.append(("cursor", cursor)) }
        return base + "/api/v1/images?" + query.map { "\($0.name)=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters kept, everything else `%XX` (a space is `%20`).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
