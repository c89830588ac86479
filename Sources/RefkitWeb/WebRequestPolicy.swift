import Foundation
import RefkitConfig

/// What the web server knows of a request before it routes it: the method, the request target
/// (path and query, as sent) and the headers (names in any case).
public struct WebRequestHead: Sendable, Equatable {
    public var method: String
    public var target: String
    public var headers: [WebHeader]

    public init(method: String, target: String, headers: [WebHeader]) {
        self.method = method
        self.target = target
        self.headers = headers
    }

    /// Every value of the header `name` (compared without case), in order.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The path: the target up to `?` or `#`.
    public var path: Substring { target.prefix { $0 != "?" && $0 != "#" } }

    /// The query after `?`, without a fragment; empty when there is none.
    public var query: Substring {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: mark)...].prefix { $0 != "#" }
    }
}

/// One header line.
public struct WebHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What the policy decided about a request.
public enum WebDecision: Sendable, Equatable {
    /// Route it.
    case allow
    /// Answer `status` with these headers and no body (the login link's redirect with its cookie).
    case respond(status: Int, headers: [WebHeader])
    /// Refuse it with `status` and a reason for the person or script that sent it (never the token).
    case deny(status: Int, reason: String)
}

/// The web UI's door: every request needs the token (a bearer header, or the cookie the login
/// link sets), a `Host` that is this server's (DNS rebinding), and, when it changes state, an
/// `Origin` of this server (cross-site request forgery). A value: the server asks it about each
/// request and adds `responseHeaders` to each answer.
public struct WebRequestPolicy: Sendable {
    /// The cookie the login link sets.
    public static let cookieName = "refkit_token"
    /// Methods that change state, and so must come from a page of this server or carry the token in a header.
    public static let stateChangingMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    let token: WebToken
    /// `Host` values (normalised by `WebHost`) the server answers to.
    public let allowedHosts: Set<String>

    /// - Parameter boundPort: the port the listener got, when `[web] listen` asked for port 0.
    public init(web: Configuration.Web, token: WebToken, boundPort: UInt16? = nil) {
        self.token = token
        let port = boundPort ?? web.listen.port
        var hosts = Set(web.hosts)
        hosts.insert(ListenAddress(host: web.listen.host, port: port).authority)
        // A loopback or wildcard listener is reached as localhost (and a wildcard one on any
        // loopback address): what a browser on this machine sends.
        if web.listen.isLoopback || web.listen.isUnspecified {
            hosts.insert("localhost:\(port)")
        }
        if web.listen.isUnspecified {
            hosts.formUnion(["127.0.0.1:\(port)", "[::1]:\(port)"])
        }
        allowedHosts = hosts
    }

    /// Decides about one request. Checks in this order: the `Host`, the request target, the
    /// login link, the token, then for state-changing methods the origin.
    public func decide(_ request: WebRequestHead) -> WebDecision {
        let hosts = request.values("Host")
        guard hosts.count == 1 else { return .deny(status: 400, reason: "a request needs exactly one Host header") }
        guard let host = WebHost.normalised(hosts[0]), allowedHosts.contains(host) else {
            return .deny(
                status: 403,
                reason: "Host \"\(hosts[0])\" is not this server's address (a guard against DNS rebinding); "
                    + "a reverse proxy's name goes in [web] hosts")
        }
        guard request.target.hasPrefix("/") else { return .deny(status: 400, reason: "the request target must be a path") }
        if request.path == "/login" { return login(request) }
        let bearer = bearerToken(request)
        let cookies = cookieTokens(request)
        let authenticated = bearer.map(token.matches) ?? cookies.contains(where: token.matches)
        guard authenticated else {
            return .deny(
                status: 401,
                reason: bearer == nil && cookies.isEmpty
                    ? "no token: open the link `refkit web-url` prints, or send Authorization: Bearer TOKEN"
                    : "the token does not match [web] token_file (it changes when the file is deleted: open the new link)")
        }
        if Self.stateChangingMethods.contains(request.method.uppercased()) {
            return originDecision(request, bearer: bearer != nil)
        }
        return .allow
    }

    /// `GET /login?token=...`: a matching token answers a redirect to `/` that sets the cookie.
    func login(_ request: WebRequestHead) -> WebDecision {
        guard request.method.uppercased() == "GET" else { return .deny(status: 405, reason: "the login link is opened with GET") }
        let given = request.query.split(separator: "&").compactMap { pair -> String? in
            guard pair.hasPrefix("token=") else { return nil }
            return String(pair.dropFirst("token=".count))
        }
        guard given.count == 1, token.matches(given[0]) else {
            return .deny(status: 403, reason: "the login link's token does not match: `refkit web-url` prints the current link")
        }
        return .respond(
            status: 303,
            headers: [
                WebHeader("Location", "/"),
                WebHeader("Set-Cookie", "\(Self.cookieName)=\(token.value); HttpOnly; SameSite=Strict; Path=/"),
            ] + Self.responseHeaders(api: true))
    }

    /// A state-changing request must come from a page of this server (`Origin` allowed, or
    /// `Sec-Fetch-Site: same-origin`); a script with a bearer token sends neither, and may.
    func originDecision(_ request: WebRequestHead, bearer: Bool) -> WebDecision {
        let fetchSite = request.values("Sec-Fetch-Site").first?.lowercased()
        if let fetchSite, fetchSite != "same-origin" {
            return .deny(status: 403, reason: "a \(fetchSite) request may not change anything here (Sec-Fetch-Site)")
        }
        if let origin = request.values("Origin").first {
            guard let host = Self.originHost(origin), allowedHosts.contains(host) else {
                return .deny(status: 403, reason: "Origin \"\(origin)\" is not this server: cross-site requests may not change anything")
            }
            return .allow
        }
        if fetchSite == "same-origin" || bearer { return .allow }
        return .deny(
            status: 403,
            reason: "a request that changes state needs an Origin header from this server, or the token as Authorization: Bearer")
    }

    /// The `Host` form of an `Origin` (`http://localhost:8642` -> `localhost:8642`); nil for
    /// `null`, another scheme, or a path.
    static func originHost(_ origin: String) -> String? {
        let lower = origin.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            let authority = lower.dropFirst(scheme.count)
            guard !authority.contains("/"), !authority.contains("@") else { return nil }
            return WebHost.normalised(String(authority))
        }
        return nil
    }

    /// The token of `Authorization: Bearer TOKEN`, or nil.
    func bearerToken(_ request: WebRequestHead) -> String? {
        for value in request.values("Authorization") {
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// Every `refkit_token` value in the `Cookie` headers.
    func cookieTokens(_ request: WebRequestHead) -> [String] {
        request.values("Cookie").flatMap { $0.split(separator: ";") }.compactMap { pair in
            let trimmed = pair.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(Self.cookieName + "=") else { return nil }
            return String(trimmed.dropFirst(Self.cookieName.count + 1))
        }
    }

    /// The strict Content-Security-Policy: this server's scripts, styles and images (and data:
    /// images) only, no plugins, no framing, no `<base>`.
    public static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"

    /// The headers every response carries; `api` (JSON answers, the login redirect) adds
    /// `Cache-Control: no-store`, so no cache keeps state or a cookie-setting answer.
    public static func responseHeaders(api: Bool) -> [WebHeader] {
        var headers = [
            WebHeader("Content-Security-Policy", contentSecurityPolicy), WebHeader("X-Content-Type-Options", "nosniff"),
            WebHeader("Referrer-Policy", "no-referrer"),
        ]
        if api { headers.append(WebHeader("Cache-Control", "no-store")) }
        return headers
    }

    /// The headers for a response to `path`: `responseHeaders(api:)` with `api` for `/api/` and `/login`.
    public static func responseHeaders(forPath path: Substring) -> [WebHeader] {
        responseHeaders(api: path.hasPrefix("/api/") || path == "/login")
    }
}
