import RefkitConfig
import Testing

@Suite("Configuration: web UI")
struct WebConfigTests {
    static func parse(_ web: String) throws(ConfigError) -> Configuration {
        try ConfigurationLoader.parse(
            text: "state_dir = \"/var/lib/refkit\"\n\(web)\n[[watch]]\nname = \"w\"\ninbox = \"/in\"\noutbox = \"/out\"\n",
            file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
    }

    @Test func defaultsServeLoopbackWithTheTokenInTheStateDirectory() throws {
        let web = try Self.parse("").web
        #expect(web.enabled)
        #expect(web.listen == ListenAddress(host: "127.0.0.1", port: 8642))
        #expect(web.tokenFile == "/var/lib/refkit/web-token")
        #expect(web.hosts.isEmpty)
        #expect(!web.allowRemote)
    }

    @Test func everyKeyIsRead() throws {
        let web = try Self.parse(
            """
            [web]
            enabled = false
            listen = "[::1]:9000"
            token_file = "secrets/web-token"
            hosts = ["Refkit.Example.COM.", "proxy.lan:8443", "[::1]"]
            """
        ).web
        #expect(!web.enabled)
        #expect(web.listen == ListenAddress(host: "::1", port: 9000))
        #expect(web.listen.authority == "[::1]:9000")
        #expect(web.tokenFile == "/etc/refkit/secrets/web-token")
        #expect(web.hosts == ["refkit.example.com", "proxy.lan:8443", "[::1]"])
    }

    @Test func aRemoteListenerNeedsAllowRemote() throws {
        let remote = try Self.parse("[web]\nlisten = \"0.0.0.0:8642\"\nallow_remote = true").web
        #expect(remote.listen.isUnspecified && !remote.listen.isLoopback)
        #expect(try Self.parse("[web]\nlisten = \"localhost:8642\"").web.listen.isLoopback)
        do {
            _ = try Self.parse("[web]\nenabled = true\nlisten = \"192.168.1.5:8642\"")
            Issue.record("a LAN address was accepted without allow_remote")
        } catch {
            #expect(error.key == "web.listen")
            #expect(error.line == 4)
            #expect(error.message.contains("192.168.1.5 is not a loopback address"))
            #expect(error.message.contains("allow_remote = true"))
        }
    }

    @Test(arguments: [
        ("listen = \"8642\"", "web.listen"), ("listen = \"::1:8642\"", "web.listen"), ("listen = \"[nothost]:1\"", "web.listen"),
        ("listen = \"127.0.0.1:70000\"", "web.listen"), ("listen = \":8642\"", "web.listen"), ("enabled = \"yes\"", "web.enabled"),
        ("hosts = \"a.example\"", "web.hosts"), ("hosts = [\"a/b\"]", "web.hosts[0]"), ("hosts = [\"ok\", \"x:0\"]", "web.hosts[1]"),
        ("hosts = [\"user@host\"]", "web.hosts[0]"), ("token_file = \"\"", "web.token_file"), ("port = 1", "web.port"),
    ])
    func badValuesNameTheKeyAndLine(_ line: String, _ key: String) {
        do throws(ConfigError) {
            _ = try Self.parse("[web]\n\(line)")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.line == 3, "\(error)")
        }
    }

    @Test func aReloadKeepsTheRunningWebSection() throws {
        let running = try Self.parse("")
        var next = try Self.parse("[web]\nlisten = \"127.0.0.1:9999\"")
        #expect(next.keepRunningValues(of: running) == ["web"])
        #expect(next.web.listen.port == 8642)
        // The token file follows state_dir by default: the state_dir change is the one named.
        var moved = try ConfigurationLoader.parse(
            text: "state_dir = \"/srv/other\"\n[[watch]]\nname = \"w\"\ninbox = \"/in\"\noutbox = \"/out\"\n",
            file: "/etc/refkit/refkit.toml",
            relativeTo: "/etc/refkit")
        #expect(moved.keepRunningValues(of: running) == ["state_dir"])
        #expect(moved.web.tokenFile == "/var/lib/refkit/web-token")
        var token = try Self.parse("[web]\ntoken_file = \"/srv/token\"")
        #expect(token.keepRunningValues(of: running) == ["web"])
    }

    @Test func hostValuesAreNormalisedOrRefused() {
        #expect(WebHost.normalised("LocalHost:8642") == "localhost:8642")
        #expect(WebHost.normalised("[::1]:08642") == "[::1]:8642")
        #expect(WebHost.normalised("example.com.") == "example.com")
        for bad in ["", ":80", "a b", "[::1", "[zz]:1", "::1", "a:b", "[::1]x", "é.example", "a:65536"] {
            #expect(WebHost.normalised(bad) == nil, "\(bad)")
        }
    }

    @Test func readmeAndTheExampleDocumentEveryWebKey() throws {
        let example = try String(contentsOfFile: exampleConfigPath, encoding: .utf8)
        let readme = try String(
            contentsOfFile: exampleConfigPath.replacingOccurrences(of: "config/refkit.toml", with: "README.md"), encoding: .utf8)
        // From `[web]` to the next table.
        let after = example.components(separatedBy: "\n[web]").dropFirst().first ?? ""
        let section = after.components(separatedBy: "\n[").first ?? ""
        for key in ["enabled", "listen", "allow_remote", "token_file", "hosts"] {
            #expect(readme.contains("`[web] \(key)`"), "README lacks [web] \(key)")
            #expect(section.contains("\(key) ="), "config/refkit.toml lacks [web] \(key)")
        }
    }
}
