import RefkitConfig
import Testing

@testable import RefkitWeb

@Suite("Web request policy")
struct WebRequestPolicyTests {
    static let token = WebToken(String(repeating: "ab", count: 32))!
    static let policy = WebRequestPolicy(web: web(), token: token)

    static func web(_ listen: String = "127.0.0.1:8642", hosts: [String] = []) -> Configuration.Web {
        var web = Configuration.Web()
        web.listen = ListenAddress.parse(listen)!
        web.hosts = hosts
        return web
    }

    static func request(
        _ method: String = "GET", _ target: String = "/api/v1/kits", host: String? = "127.0.0.1:8642", _ headers: [(String, String)] = []
    ) -> WebRequestHead {
        WebRequestHead(
            method: method, target: target, headers: (host.map { [WebHeader("Host", $0)] } ?? []) + headers.map { WebHeader($0.0, $0.1) })
    }

    static func request(_ headers: [(String, String)]) -> WebRequestHead { request("GET", "/api/v1/kits", headers) }
    static func request(_ header: (String, String)) -> WebRequestHead { request([header]) }
    static func request(host: String?, _ headers: [(String, String)]) -> WebRequestHead {
        request("GET", "/api/v1/kits", host: host, headers)
    }

    static let bearer = ("Authorization", "Bearer \(token.value)")
    static let cookie = ("Cookie", "theme=dark; refkit_token=\(token.value)")

    static func status(_ decision: WebDecision) -> Int? {
        switch decision {
        case .allow: nil
        case .respond(let status, _), .deny(let status, _): status
        }
    }

    @Test func theTokenIsNeededAsBearerOrCookie() {
        #expect(Self.policy.decide(Self.request(Self.bearer)) == .allow)
        #expect(Self.policy.decide(Self.request(Self.cookie)) == .allow)
        #expect(Self.policy.decide(Self.request([("authorization", "bearer \(Self.token.value)")])) == .allow)
        #expect(Self.status(Self.policy.decide(Self.request())) == 401)
        #expect(Self.status(Self.policy.decide(Self.request([("Authorization", "Bearer nope")]))) == 401)
        #expect(Self.status(Self.policy.decide(Self.request([("Cookie", "refkit_token=\(Self.token.value)x")]))) == 401)
        #expect(Self.status(Self.policy.decide(Self.request([("Authorization", "Basic \(Self.token.value)")]))) == 401)
        // A wrong bearer is not saved by a right cookie: the header is what the script meant.
        #expect(Self.status(Self.policy.decide(Self.request([("Authorization", "Bearer nope"), Self.cookie]))) == 401)
        // A page needs it as much as the API does.
        #expect(Self.status(Self.policy.decide(Self.request("GET", "/"))) == 401)
        #expect(Self.status(Self.policy.decide(Self.request("GET", "/files/kit/front.png"))) == 401)
    }

    @Test func denialsSayWhetherATokenCameAtAll() {
        guard case .deny(_, let none) = Self.policy.decide(Self.request()),
            case .deny(_, let stale) = Self.policy.decide(Self.request([("Cookie", "refkit_token=old")]))
        else {
            Issue.record("not denied")
            return
        }
        #expect(none.hasPrefix("no token"))
        #expect(stale.hasPrefix("the token does not match"))
    }

    @Test func denialsNeverEchoTheToken() {
        for decision in [
            Self.policy.decide(Self.request([("Authorization", "Bearer \(Self.token.value)z")])),
            Self.policy.decide(Self.request("GET", "/login?token=\(Self.token.value)z")),
        ] {
            guard case .deny(_, let reason) = decision else {
                Issue.record("not denied: \(decision)")
                continue
            }
            #expect(!reason.contains(Self.token.value))
        }
        #expect(!"\(Self.token)".contains(Self.token.value))
    }

    @Test func theLoginLinkRedirectsHomeSettingAStrictCookie() throws {
        let decision = Self.policy.decide(Self.request("GET", "/login?token=\(Self.token.value)"))
        guard case .respond(let status, let headers) = decision else {
            Issue.record("login did not answer: \(decision)")
            return
        }
        #expect(status == 303)
        #expect(headers.contains(WebHeader("Location", "/")))
        #expect(headers.contains(WebHeader("Set-Cookie", "refkit_token=\(Self.token.value); HttpOnly; SameSite=Strict; Path=/")))
        #expect(headers.contains(WebHeader("Cache-Control", "no-store")))
        #expect(headers.contains(WebHeader("Referrer-Policy", "no-referrer")))
        #expect(Self.status(Self.policy.decide(Self.request("GET", "/login?token=nope"))) == 403)
        #expect(Self.status(Self.policy.decide(Self.request("GET", "/login"))) == 403)
        #expect(Self.status(Self.policy.decide(Self.request("POST", "/login?token=\(Self.token.value)"))) == 405)
        // The link is no way around the Host check.
        #expect(Self.status(Self.policy.decide(Self.request("GET", "/login?token=\(Self.token.value)", host: "evil.example:8642"))) == 403)
    }

    @Test func theHostMustBeThisServers() {
        #expect(Self.policy.allowedHosts == ["127.0.0.1:8642", "localhost:8642"])
        #expect(Self.policy.decide(Self.request(host: "LOCALHOST:8642", [Self.bearer])) == .allow)
        for host in ["evil.example:8642", "127.0.0.1:8643", "127.0.0.1", "localhost", "[::1]:8642", "", "127.0.0.1:8642/x"] {
            #expect(Self.status(Self.policy.decide(Self.request(host: host, [Self.bearer]))) == 403, "\(host)")
        }
        #expect(Self.status(Self.policy.decide(Self.request(host: nil, [Self.bearer]))) == 400)
        #expect(Self.status(Self.policy.decide(Self.request([("Host", "127.0.0.1:8642"), Self.bearer]))) == 400)
        #expect(Self.status(Self.policy.decide(Self.request("GET", "http://127.0.0.1:8642/", [Self.bearer]))) == 400)
    }

    @Test func aProxysNamesAndABoundPortAreAllowed() {
        let proxied = WebRequestPolicy(web: Self.web(hosts: ["refkit.example.com", "proxy.lan:8443"]), token: Self.token)
        #expect(proxied.decide(Self.request(host: "refkit.example.com", [Self.bearer])) == .allow)
        #expect(proxied.decide(Self.request(host: "proxy.lan:8443", [Self.bearer])) == .allow)
        #expect(Self.status(proxied.decide(Self.request(host: "proxy.lan", [Self.bearer]))) == 403)
        let ephemeral = WebRequestPolicy(web: Self.web("[::1]:0"), token: Self.token, boundPort: 40123)
        #expect(ephemeral.allowedHosts == ["[::1]:40123", "localhost:40123"])
        let wildcard = WebRequestPolicy(web: Self.web("0.0.0.0:8642", hosts: ["nas.lan:8642"]), token: Self.token)
        #expect(wildcard.allowedHosts == ["0.0.0.0:8642", "localhost:8642", "127.0.0.1:8642", "[::1]:8642", "nas.lan:8642"])
        let lan = WebRequestPolicy(web: Self.web("192.168.1.5:8642"), token: Self.token)
        #expect(lan.allowedHosts == ["192.168.1.5:8642"])
    }

    @Test func stateChangesNeedThisServersOriginOrABearerToken() {
        let post = { (headers: [(String, String)]) in Self.policy.decide(Self.request("POST", "/api/v1/kits/k/retry", headers)) }
        #expect(post([Self.cookie, ("Origin", "http://127.0.0.1:8642")]) == .allow)
        #expect(post([Self.cookie, ("Origin", "http://localhost:8642"), ("Sec-Fetch-Site", "same-origin")]) == .allow)
        #expect(post([Self.cookie, ("Sec-Fetch-Site", "same-origin")]) == .allow)
        // curl and scripts: a bearer token and no Origin.
        #expect(post([Self.bearer]) == .allow)
        // A page elsewhere, riding the cookie or even holding the token.
        #expect(Self.status(post([Self.cookie])) == 403)
        #expect(Self.status(post([Self.cookie, ("Origin", "http://evil.example")])) == 403)
        #expect(Self.status(post([Self.bearer, ("Origin", "http://evil.example")])) == 403)
        #expect(Self.status(post([Self.cookie, ("Origin", "null")])) == 403)
        #expect(Self.status(post([Self.cookie, ("Origin", "http://127.0.0.1:8642"), ("Sec-Fetch-Site", "cross-site")])) == 403)
        #expect(Self.status(post([Self.cookie, ("Sec-Fetch-Site", "same-site")])) == 403)
        #expect(Self.status(post([Self.cookie, ("Origin", "ftp://127.0.0.1:8642")])) == 403)
        for method in ["PUT", "PATCH", "DELETE", "delete"] {
            #expect(Self.status(Self.policy.decide(Self.request(method, "/api/v1/kits/k", [Self.cookie]))) == 403, "\(method)")
        }
        // Reading does not need an Origin: the cookie is SameSite=Strict.
        #expect(Self.policy.decide(Self.request("GET", "/api/v1/kits", [Self.cookie])) == .allow)
        // Origins behind a proxy with TLS.
        let proxied = WebRequestPolicy(web: Self.web(hosts: ["refkit.example.com"]), token: Self.token)
        let viaProxy = Self.request(
            "DELETE", "/api/v1/kits/k", host: "refkit.example.com", [Self.cookie, ("Origin", "https://refkit.example.com")])
        #expect(proxied.decide(viaProxy) == .allow)
    }

    @Test func everyResponseGetsTheSecurityHeadersAndTheAPINoStore() {
        let page = WebRequestPolicy.responseHeaders(forPath: "/kits/k")
        #expect(
            page.contains(
                WebHeader(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'")))
        #expect(page.contains(WebHeader("X-Content-Type-Options", "nosniff")))
        #expect(page.contains(WebHeader("Referrer-Policy", "no-referrer")))
        #expect(!page.contains { $0.name == "Cache-Control" })
        #expect(WebRequestPolicy.responseHeaders(forPath: "/api/v1/kits").contains(WebHeader("Cache-Control", "no-store")))
    }

    @Test func theRequestHeadSplitsPathAndQuery() {
        let head = Self.request("GET", "/login?a=1&token=x#frag")
        #expect(head.path == "/login")
        #expect(head.query == "a=1&token=x")
        #expect(Self.request("GET", "/plain").query == "")
    }
}
