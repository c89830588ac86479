import Testing

@testable import RefkitConfig

/// A configuration that must be rejected. The offending line carries the marker `#!`; the
/// error must name that line and `key`.
struct BadConfig: Sendable, CustomStringConvertible {
    var name: String
    var text: String
    var key: String
    var message: String
    var description: String { name }

    /// The 1-based line holding `#!`.
    var markedLine: Int? {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .firstIndex { $0.contains("#!") }.map { $0 + 1 }
    }
}

/// A valid first watch, then `second` (the body of a second `[[watch]]`, or anything else).
func configWithSecondWatch(_ second: String, top: String = "") -> String {
    """
    state_dir = "state"
    \(top)
    [[watch]]
    name = "manual"
    inbox = "/srv/in"
    outbox = "/srv/out"
      [watch.default_order]
      stages = "turnaround"
      provider = "preview"

    [[watch]]
    \(second)
    """
}

func configError(_ text: String, file: String = "/etc/refkit/refkit.toml", base: String = "/etc/refkit") -> ConfigError? {
    do {
        let config = try ConfigurationLoader.parse(text: text, file: file, relativeTo: base)
        Issue.record("accepted a bad configuration: \(config.watches.map(\.name))")
        return nil
    } catch {
        return error
    }
}

@Suite("Configuration errors")
struct ConfigErrorTests {
    static let cases: [BadConfig] = [
        BadConfig(
            name: "unknown top-level key",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"", top: "colour = \"red\" #!"),
            key: "colour", message: "unknown key"),
        BadConfig(
            name: "unknown key in the second watch",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nsettle = 500 #!"),
            key: "watch[1].settle", message: "unknown key"),
        BadConfig(
            name: "wrong type in the second watch",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nsettle_ms = \"fast\" #!\npriority = 1"),
            key: "watch[1].settle_ms", message: "must be an integer, got string"),
        BadConfig(
            name: "float where an integer belongs",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\npriority = 1.5 #!"),
            key: "watch[1].priority", message: "must be an integer, got float"),
        BadConfig(
            name: "string where a boolean belongs",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nrecursive = \"yes\" #!"),
            key: "watch[1].recursive", message: "must be true or false"),
        BadConfig(
            name: "out of range",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[limits]\nmax_source_bytes = 1\nconcurrency = 0 #!"),
            key: "limits.concurrency", message: "must be between 1 and 1024, got 0"),
        BadConfig(
            name: "negative budget out of range",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nmax_cost_per_day_usd = -1 #!"),
            key: "watch[1].max_cost_per_day_usd", message: "must be between"),
        BadConfig(
            name: "share out of range",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n[outputs]\ntext_plan_min_share = 1.5 #!"),
            key: "outputs.text_plan_min_share", message: "must be between"),
        BadConfig(
            name: "unknown log level",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"", top: "log_level = \"loud\" #!"),
            key: "log_level", message: "must be one of"),
        BadConfig(
            name: "unknown provider kind",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[providers.dalle]\nmodel = \"x\"\nkind = \"dalle\" #!"),
            key: "providers.dalle.kind", message: "unknown provider kind \"dalle\""),
        BadConfig(
            name: "provider without kind and an unknown name",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[providers.mystery] #!\nmodel = \"x\""),
            key: "providers.mystery.kind", message: "unknown provider kind \"mystery\""),
        BadConfig(
            name: "another kind's key on a provider",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[providers.gemini]\nmodel = \"x\"\nworkflow = \"w.json\" #!"),
            key: "providers.gemini.workflow", message: "unknown key"),
        BadConfig(
            name: "wrong type of a provider-specific key",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[providers.comfyui]\nendpoints = [\"http://a:1\", true] #!"),
            key: "providers.comfyui.endpoints[1]", message: "must be a string, got boolean"),
        BadConfig(
            name: "provider base_url without scheme",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[providers.openai]\nbase_url = \"api.openai.com\" #!"),
            key: "providers.openai.base_url", message: "https://"),
        BadConfig(
            name: "default_order with a bad stage",
            text: configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n  [watch.default_order]\n  provider = \"preview\"\n  stages = [\"avatar\", \"wings\"] #!"
            ),
            key: "watch[1].default_order.stages[1]", message: "unknown stage"),
        BadConfig(
            name: "default_order with a bad profile",
            text: configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n  [watch.default_order]\n  stages = \"everything\" #!"),
            key: "watch[1].default_order.stages", message: "unknown stage profile"),
        BadConfig(
            name: "default_order with an unknown key",
            text: configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n  [watch.default_order]\n  stages = \"core\"\n  colour = \"red\" #!"
            ),
            key: "watch[1].default_order.colour", message: "unknown key in order"),
        BadConfig(
            name: "default_order naming a provider that is not configured",
            text: configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n  [watch.default_order]\n  provider = \"gemini\" #!"),
            key: "watch[1].default_order.provider", message: "no provider named \"gemini\""),
        BadConfig(
            name: "default_order with a model its provider cannot take",
            text: configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n  [watch.default_order]\n  model = \"gpt-image-1\" #!"),
            key: "watch[1].default_order.model", message: "takes no model"),
        BadConfig(
            name: "missing inbox",
            text: configWithSecondWatch("#!\nname = \"bulk\"\noutbox = \"/b/out\"").replacingOccurrences(
                of: "[[watch]]\n#!", with: "[[watch]] #!"),
            key: "watch[1]", message: "needs an inbox"),
        BadConfig(
            name: "missing name",
            text: configWithSecondWatch("#!\ninbox = \"/b/in\"\noutbox = \"/b/out\"").replacingOccurrences(
                of: "[[watch]]\n#!", with: "[[watch]] #!"),
            key: "watch[1]", message: "needs a name"),
        BadConfig(
            name: "unsafe watch name",
            text: configWithSecondWatch("name = \"bulk jobs\" #!\ninbox = \"/b/in\"\noutbox = \"/b/out\""),
            key: "watch[1].name", message: "watch names use"),
        BadConfig(
            name: "duplicate watch name",
            text: configWithSecondWatch("name = \"manual\" #!\ninbox = \"/b/in\"\noutbox = \"/b/out\""),
            key: "watch[1].name", message: "used twice"),
        BadConfig(
            name: "same inbox twice",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/srv/./in/\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "watched twice"),
        BadConfig(
            name: "inbox nested in another inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/srv/in/bulk\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "nested"),
        BadConfig(
            name: "inbox around another inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/srv\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "nested"),
        BadConfig(
            name: "outbox inside its inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/in/out\" #!"),
            key: "watch[1].outbox", message: "must not be inside the inbox"),
        BadConfig(
            name: "outbox equal to its inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/in\" #!"),
            key: "watch[1].outbox", message: "must not be inside the inbox"),
        BadConfig(
            name: "rejected inside its inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nrejected = \"/b/in/rejected\" #!"),
            key: "watch[1].rejected", message: "must not be inside the inbox"),
        BadConfig(
            name: "outbox inside another watch's inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/srv/in/bulk-out\" #!"),
            key: "watch[1].outbox", message: "must not be inside"),
        BadConfig(
            name: "first watch's rejected inside a later watch's inbox",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/srv/rejected\"\noutbox = \"/b/out\"")
                // rejected/ is not written (beside the outbox by default): the line is the watch's.
                .replacingOccurrences(of: "[[watch]]\nname = \"manual\"", with: "[[watch]] #!\nname = \"manual\""),
            key: "watch[0].rejected", message: "inside the inbox of watch \"bulk\""),
        BadConfig(
            name: "ignore with a non-string",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nignore = [\"*.x\", 3] #!"),
            key: "watch[1].ignore[1]", message: "must be a string"),
        BadConfig(
            name: "unknown watch mode",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nmode = \"fanotify\" #!"),
            key: "watch[1].mode", message: "auto, inotify or poll"),
        BadConfig(
            name: "empty path",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"\" #!\noutbox = \"/b/out\""),
            key: "watch[1].inbox", message: "must not be empty"),
        BadConfig(
            name: "wrong type at the top",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"", top: "log_level = 3 #!"),
            key: "log_level", message: "must be a string, got integer"),
        BadConfig(
            name: "unknown key in [daemon]",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n[daemon]\nrescan_interval_s = 60\nrescan_s = 60 #!"),
            key: "daemon.rescan_s", message: "unknown key"),
        BadConfig(
            name: "unknown key in [analyzer]",
            text: configWithSecondWatch(
                "name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n[analyzer]\nmodel = \"m\"\napi_key = \"sk-secret\" #!"),
            key: "analyzer.api_key", message: "unknown key"),
        BadConfig(
            name: "wrong type in [civitai]",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n[civitai]\nlimit = \"20\" #!"),
            key: "civitai.limit", message: "must be an integer"),
        BadConfig(
            name: "[watch] instead of [[watch]]",
            text: "state_dir = \"s\"\n[watch] #!\nname = \"x\"\ninbox = \"/in\"\noutbox = \"/out\"\n",
            key: "watch", message: "[[watch]]"),
        BadConfig(
            name: "inline default_order with a bad stage",
            text: configWithSecondWatch(
                "name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\ndefault_order = { stages = [\"front\", \"nope\"] } #!"),
            key: "watch[1].default_order.stages[1]", message: "unknown stage"),
        BadConfig(
            name: "scene table of the second watch's default order (array-of-tables counts per watch)",
            text: """
                [[watch]]
                name = "a"
                inbox = "/a/in"
                outbox = "/a/out"
                  [[watch.default_order.scenes]]
                  id = "one"
                  [[watch.default_order.scenes]]
                  id = "two"

                [[watch]]
                name = "b"
                inbox = "/b/in"
                outbox = "/b/out"
                  [[watch.default_order.scenes]]
                  id = "fine"
                  [[watch.default_order.scenes]]
                  description = "no good"
                  id = "bad id" #!
                """,
            key: "watch[1].default_order.scenes[1].id", message: "not a safe identifier"),
        BadConfig(
            name: "outbox_retention_days of zero",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\noutbox_retention_days = 0 #!"),
            key: "watch[1].outbox_retention_days", message: "must be between"),
        BadConfig(
            name: "outbox_retention_days as a string",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\noutbox_retention_days = \"14\" #!"),
            key: "watch[1].outbox_retention_days", message: "must be"),
        BadConfig(
            name: "Windows line endings",
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nsettle_ms = -5 #!").replacingOccurrences(
                of: "\n", with: "\r\n"),
            key: "watch[1].settle_ms", message: "must be between"),
    ]

    @Test("errors name the key and its line", arguments: cases)
    func reportsKeyAndLine(_ c: BadConfig) throws {
        let line = try #require(c.markedLine)
        guard let error = configError(c.text) else { return }
        #expect(error.key == c.key, "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(c.message), "\(error)")
        #expect(error.file == "/etc/refkit/refkit.toml")
        // What users read: file:line: key: message.
        #expect(error.description.hasPrefix("/etc/refkit/refkit.toml:\(line): \(c.key): "), "\(error)")
    }

    @Test(
        "TOML syntax errors name the line",
        arguments: [
            "state_dir = \"s\"\nlog_level = \"info\"\n\n[[watch]]\nname = \"a\"\nsettle_ms = = 5 #!\n",
            "state_dir = \"s\"\n[[watch] #!\nname = \"a\"\n",
            "state_dir = \"s\"\n[limits]\nconcurrency = 1\nconcurrency = 2 #!\n",
            "state_dir = \"unterminated #!\n[limits]\n",
        ])
    func syntaxError(_ text: String) throws {
        let line = try #require(BadConfig(name: "", text: text, key: "", message: "").markedLine)
        let error = try #require(configError(text))
        #expect(error.key == "")
        #expect(error.line == line, "\(error)")
        #expect(error.message.hasPrefix("TOML syntax error"), "\(error)")
    }

    @Test func noWatchIsAnError() {
        let error = configError("state_dir = \"/s\"\n")
        #expect(error?.key == "watch")
        #expect(error?.line == nil)
        #expect(error?.message.contains("at least one [[watch]]") == true)
    }

    @Test func unreadableFile() {
        do {
            _ = try ConfigurationLoader.load(path: "/nonexistent/refkit.toml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.file == "/nonexistent/refkit.toml")
            #expect(error.line == nil)
            #expect(error.message.contains("cannot read"))
        }
    }
}
