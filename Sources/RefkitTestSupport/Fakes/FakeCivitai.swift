import Foundation
import RefkitCore
import Synchronization

/// Civitai's images API on 127.0.0.1 (an OS-chosen port), speaking the wire format of
/// `GET /api/v1/images` (providers.md §7): `{"items":[…],"metadata":{"nextCursor":…,"nextPage":…}}`
/// paged by an opaque cursor (both absent on the last page); `meta` is `null` unless
/// `withMeta=true`, then flat, or nested as `{"id":…,"meta":{…}}` on the legacy path (`imageId`,
/// or `modelId` without `modelVersionId`) unless `flatMeta` is given; `nsfwLevel` a string and
/// `browsingLevel` an int. A `limit` outside 0-200 or an unknown `period`/`sort` is a 400 with a
/// zod-style error; `page*limit > 1000` is the 429 that asks for cursors. With a token set, an
/// `Authorization` header other than `Bearer <token>` is a 401 (no header is fine: the API is
/// public). Like the real API with `nsfw` unset, the feed is not filtered by rating, so a
/// client's own ceiling is what keeps rated items out.
///
/// Image files live at `{base}/files/NAME` (`host`), served without auth. Every request is
/// recorded with its arrival time; scripted replies (`script`) replace the normal answer of a
/// route, first in first out (use them for 429/503 with `Retry-After`).
public final class FakeCivitai: Sendable {
    public typealias Call = FakeFal.Call
    public typealias Reply = FakeFal.Reply

    public enum Route: String, Sendable {
        case images, file, unknown
    }

    /// One image of the feed.
    public struct Item: Sendable {
        public var id: Int64
        /// `{base}/files/NAME` unless `url` is set.
        public var file: String
        /// An absolute URL used instead of the fake's file (a private address, another host).
        public var url: String?
        public var width: Int
        public var height: Int
        public var nsfwLevel: String
        public var browsingLevel: Int
        public var type: String
        public var username: String?
        public var baseModel: String?
        /// The flat meta; nil is sent as `"meta": null` (or left out with `omitMeta`).
        public var meta: RefkitCore.JSONValue?
        public var omitMeta: Bool

        public init(
            id: Int64, file: String? = nil, url: String? = nil, width: Int = 640, height: Int = 800, nsfwLevel: String = "None",
            browsingLevel: Int = 1, type: String = "image", username: String? = "artist", baseModel: String? = "SDXL 1.0",
            meta: RefkitCore.JSONValue? = .object([("prompt", .string("a knight")), ("seed", .number(42, isInteger: true))]),
            omitMeta: Bool = false
        ) {
            self.id = id
            self.file = file ?? "\(id).jpeg"
            self.url = url
            self.width = width
            self.height = height
            self.nsfwLevel = nsfwLevel
            self.browsingLevel = browsingLevel
            self.type = type
            self.username = username
            self.baseModel = baseModel
            self.meta = meta
            self.omitMeta = omitMeta
        }
    }

    /// A recorded request with when it arrived.
    public struct Arrival: Sendable {
        public var route: Route
        public var call: Call
        public var at: ContinuousClock.Instant
    }

    public let baseURL: String
    public let token: String?
    private let core: Core
    private let loopback: FakeFal.Loopback

    private init(token: String?, core: Core, loopback: FakeFal.Loopback) {
        self.token = token
        self.core = core
        self.loopback = loopback
        self.baseURL = loopback.baseURL
    }

    /// Starts a fake with an empty feed.
    public static func start(token: String? = nil) async throws -> FakeCivitai {
        let core = Core(token: token)
        let loopback = try await FakeFal.Loopback.start { call in core.handle(call) }
        core.state.withLock { $0.baseURL = loopback.baseURL }
        return FakeCivitai(token: token, core: core, loopback: loopback)
    }

    public func stop() async { await loopback.stop() }

    // MARK: Scripting

    /// The feed, in the order pages list it (an id may appear twice, as when the feed moves
    /// between two page requests).
    public func setFeed(_ items: [Item]) {
        core.state.withLock { $0.feed = items }
    }

    /// Serves `bytes` at `{base}/files/NAME`.
    public func host(_ name: String, bytes: [UInt8], contentType: String = "image/jpeg") {
        core.state.withLock { $0.files[name] = (bytes, contentType) }
    }

    /// Replies that replace the normal answer of `route`, first in first out.
    public func script(_ route: Route, _ replies: Reply...) {
        core.state.withLock { $0.scripted[route, default: []].append(contentsOf: replies) }
    }

    /// Civitai's 503 under load: `Retry-After` and `Cache-Control: no-store`.
    public static func overloaded(retryAfter: Int = 1) -> Reply {
        .json(
            503, #"{"error":"Image search is temporarily overloaded — please retry."}"#,
            headers: ["retry-after": String(retryAfter), "cache-control": "no-store"])
    }

    /// A 429 with `Retry-After`.
    public static func rateLimited(retryAfter: Int = 1) -> Reply {
        .json(429, #"{"message":"Too many requests"}"#, headers: ["retry-after": String(retryAfter)])
    }

    // MARK: Inspection

    public func arrivals(_ route: Route) -> [Arrival] {
        core.state.withLock { $0.arrivals.filter { $0.route == route } }
    }

    public func calls(_ route: Route) -> [Call] { arrivals(route).map(\.call) }

    public func count(_ route: Route) -> Int { core.state.withLock { $0.arrivals.count { $0.route == route } } }

    /// File names downloaded (each time).
    public var downloadedFiles: [String] { calls(.file).map { String($0.path.dropFirst("/files/".count)) } }

    // MARK: - The server's behaviour

    private struct State {
        var baseURL = ""
        var feed: [Item] = []
        var files: [String: (bytes: [UInt8], contentType: String)] = [:]
        var scripted: [Route: [Reply]] = [:]
        var arrivals: [Arrival] = []
    }

    private final class Core: Sendable {
        let token: String?
        let state = Mutex(State())

        init(token: String?) { self.token = token }

        func handle(_ call: Call) -> Reply {
            let route: Route =
                call.path == "/api/v1/images" ? .images : call.path.hasPrefix("/files/") ? .file : .unknown
            let scripted = state.withLock { state -> Reply? in
                state.arrivals.append(Arrival(route: route, call: call, at: .now))
                guard var queue = state.scripted[route], !queue.isEmpty else { return nil }
                let reply = queue.removeFirst()
                state.scripted[route] = queue
                return reply
            }
            if let scripted { return scripted }
            switch route {
            case .images: return images(call)
            case .file:
                let name = String(call.path.dropFirst("/files/".count))
                guard let file = state.withLock({ $0.files[name] }) else { return .json(404, #"{"message":"Not found"}"#) }
                return Reply(status: 200, headers: ["content-type": file.contentType], body: file.bytes)
            case .unknown: return .json(404, #"{"message":"Not found"}"#)
            }
        }

        private func zod(_ path: String, _ message: String) -> Reply {
            .json(400, #"{"error":{"issues":[{"code":"invalid_type","path":["\#(path)"],"message":"\#(message)"}],"name":"ZodError"}}"#)
        }

        private func images(_ call: Call) -> Reply {
            if let auth = call.header("authorization"), let token, auth != "Bearer \(token)" {
                return .json(401, #"{"error":"Unauthorized"}"#)
            }
            let q = call.query
            let limit: Int
            if let text = q["limit"] {
                guard let n = Int(text), (0...200).contains(n) else { return zod("limit", "Number must be less than or equal to 200") }
                limit = n == 0 ? 50 : n
            } else {
                limit = 50
            }
            if let period = q["period"], !["AllTime", "Year", "Month", "Week", "Day"].contains(period) {
                return zod("period", "Invalid enum value. Expected 'AllTime' | 'Year' | 'Month' | 'Week' | 'Day', received '\(period)'")
            }
            if let sort = q["sort"], !["Most Reactions", "Most Comments", "Most Collected", "Newest", "Oldest", "Random"].contains(sort) {
                return zod("sort", "Invalid enum value, received '\(sort)'")
            }
            if let page = q["page"].flatMap(Int.init), page * limit > 1000 {
                return .json(429, #"{"error":"You've requested too many pages, please use cursors instead"}"#)
            }
            let (feed, base) = state.withLock { ($0.feed, $0.baseURL) }
            var offset = 0
            if let cursor = q["cursor"] {
                guard let n = Int(cursor.prefix { $0 != "|" }), (0...feed.count).contains(n) else { return zod("cursor", "Invalid cursor") }
                offset = n
            }
            let withMeta = q["withMeta"] == "true"
            let legacy = (q["imageId"] != nil || (q["modelId"] != nil && q["modelVersionId"] == nil)) && q["flatMeta"] == nil
            let end = min(feed.count, offset + limit)
            let items = feed[offset..<end].map { item(for: $0, base: base, withMeta: withMeta, legacy: legacy) }
            var metadata: [(key: String, value: RefkitCore.JSONValue)] = []
            if end < feed.count {
                let cursor = "\(end)|\(1_700_000_000 + end)"
                metadata.append(("nextCursor", .string(cursor)))
                var next = q.filter { $0.key != "cursor" }.map { "\($0.key)=\(Self.encode($0.value))" }.sorted()
                next.append("cursor=\(Self.encode(cursor))")
                metadata.append(("nextPage", .string("\(base)/api/v1/images?\(next.joined(separator: "&"))")))
            }
            let body = RefkitCore.JSONValue.object([("items", .array(items)), ("metadata", .object(metadata))])
            return .json(200, body.serialized)
        }

        private func item(for item: Item, base: String, withMeta: Bool, legacy: Bool) -> RefkitCore.JSONValue {
            func int(_ i: Int64) -> RefkitCore.JSONValue { .number(Double(i), isInteger: true) }
            var members: [(key: String, value: RefkitCore.JSONValue)] = [
                ("id", int(item.id)),
                ("url", .string(item.url ?? "\(base)/files/\(item.file)")),
                ("hash", .string("U9Fr?^00~q%M00-;M{Rj")),
                ("width", int(Int64(item.width))),
                ("height", int(Int64(item.height))),
                ("nsfwLevel", .string(item.nsfwLevel)),
                ("type", .string(item.type)),
                ("nsfw", .bool(item.nsfwLevel != "None")),
                ("browsingLevel", int(Int64(item.browsingLevel))),
                ("createdAt", .string("2025-11-20T10:00:00.000Z")),
                ("postId", int(item.id / 10)),
                ("stats", .object([("likeCount", int(12)), ("heartCount", int(3)), ("commentCount", int(1))])),
            ]
            if !item.omitMeta {
                if withMeta, let meta = item.meta {
                    members.append(("meta", legacy ? .object([("id", int(item.id)), ("meta", meta)]) : meta))
                } else {
                    members.append(("meta", .null))
                }
            }
            members.append(("username", item.username.map(RefkitCore.JSONValue.string) ?? .null))
            members.append(("baseModel", item.baseModel.map(RefkitCore.JSONValue.string) ?? .null))
            members.append(("modelVersionIds", .array([int(345_685)])))
            return .object(members)
        }

        static func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
        }
    }
}
