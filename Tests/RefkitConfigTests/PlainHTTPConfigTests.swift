import Testing

@testable import RefkitConfig

/// Plain http carries the API key in clear text: only to loopback or to hosts the file lists.
/// `[metrics] listen` serves without authentication: loopback only. Both with the key's line.
@Suite("Plain http and listen addresses")
struct PlainHTTPConfigTests {
    static let watch = "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\""

    static let cases: [BadConfig] = [
        BadConfig(
            name: "provider base_url over plain http to a LAN host",
            text: configWithSecondWatch(watch + "\n\n[providers.openai]\nmodel = \"x\"\nbase_url = \"http://10.0.0.5:8080/v1\" #!"),
            key: "providers.openai.base_url", message: "plain http to 10.0.0.5 would send the API key in clear text"),
        BadConfig(
            name: "a ComfyUI endpoint over plain http to an unlisted host",
            text: configWithSecondWatch(
                watch + "\n\n[providers.comfyui]\nendpoints = [\"http://127.0.0.1:8188\", \"http://comfy.lan:8188\"] #!",
                top: "plain_http_hosts = [\"other.lan\"]"),
            key: "providers.comfyui.endpoints[1]", message: "plain_http_hosts"),
        BadConfig(
            name: "analyzer over plain http",
            text: configWithSecondWatch(watch + "\n[analyzer]\nbase_url = \"http://vision.example.com/v1\" #!"),
            key: "analyzer.base_url", message: "clear text"),
        BadConfig(
            name: "civitai over plain http",
            text: configWithSecondWatch(watch + "\n[civitai]\nbase_url = \"http://civitai.com\" #!"),
            key: "civitai.base_url", message: "clear text"),
        BadConfig(
            name: "plain_http_hosts with a non-string",
            text: configWithSecondWatch(watch, top: "plain_http_hosts = [\"a\", 3] #!"),
            key: "plain_http_hosts[1]", message: "must be a host name"),
        BadConfig(
            name: "metrics listening on every address",
            text: configWithSecondWatch(watch + "\n[metrics]\ninterval_s = 5\nlisten = \"0.0.0.0:9464\" #!"),
            key: "metrics.listen", message: "not a loopback address"),
        BadConfig(
            name: "metrics listening on a LAN name",
            text: configWithSecondWatch(watch + "\n[metrics]\nlisten = \"[fe80::1]:9464\" #!"),
            key: "metrics.listen", message: "not a loopback address"),
    ]

    @Test(arguments: cases)
    func refusedWithTheKeysLine(_ bad: BadConfig) throws {
        let error = try #require(configError(bad.text))
        #expect(error.key == bad.key)
        #expect(error.line == bad.markedLine, "\(error)")
        #expect(error.message.contains(bad.message), "\(error.message)")
    }

    @Test func loopbackAndListedHostsAreAccepted() throws {
        let text = configWithSecondWatch(
            Self.watch + """

                [providers.comfyui]
                endpoints = ["http://127.0.0.1:8188", "http://[::1]:8188", "http://localhost:8188", "http://Comfy.LAN.:8188"]
                [providers.openai]
                base_url = "https://api.openai.com/v1"
                [metrics]
                listen = "[::1]:9464"
                """, top: "plain_http_hosts = [\"comfy.lan\"]")
        let config = try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        #expect(config.metrics.listen == "[::1]:9464")
        // What doctor reports: the listed host, by key; loopback and https are not clear-text endpoints.
        #expect(config.clearTextEndpoints.map(\.key) == ["providers.comfyui.endpoints[3]"])
        #expect(config.clearTextEndpoints.map(\.host) == ["comfy.lan"])
        for listen in ["127.0.0.1:9464", "localhost:9464", "127.8.9.10:1"] {
            let ok = try ConfigurationLoader.parse(
                text: configWithSecondWatch(Self.watch + "\n[metrics]\nlisten = \"\(listen)\""), file: "t.toml", relativeTo: "/")
            #expect(ok.metrics.listen == listen)
        }
    }
}
