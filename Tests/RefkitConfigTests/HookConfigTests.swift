import RefkitConfig
import Testing

@Suite("Configuration: hooks")
struct HookConfigTests {
    /// Line 1 is state_dir, the hooks from line 2 on, then two watches (top-level keys before any table).
    static func parse(_ hooks: String) throws(ConfigError) -> Configuration {
        try ConfigurationLoader.parse(
            text: """
                state_dir = "/var/lib/refkit"
                \(hooks)
                [[watch]]
                name = "w"
                inbox = "/in"
                outbox = "/out"
                [[watch]]
                name = "other"
                inbox = "/in2"
                outbox = "/out2"
                """,
            file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
    }

    @Test func noHookIsNone() throws {
        #expect(try Self.parse("").hooks.isEmpty)
    }

    @Test func aURLHookHasItsDefaults() throws {
        let hooks = try Self.parse(
            """
            [[hook]]
            name = "chat"
            url = "https://hooks.example.com/refkit"
            secret_file = "secrets/hook-key"
            """
        ).hooks
        #expect(hooks.count == 1)
        let hook = try #require(hooks.first)
        #expect(hook.name == "chat")
        #expect(hook.on == Configuration.Hook.Event.allCases)
        #expect(hook.watches.isEmpty)
        #expect(hook.url == "https://hooks.example.com/refkit")
        #expect(hook.secretFile == "/etc/refkit/secrets/hook-key")
        #expect(hook.urlTimeoutSeconds == 10 && hook.commandTimeoutSeconds == 30 && hook.maxAttempts == 8)
        #expect(hook.command == nil)
    }

    @Test func everyKeyIsRead() throws {
        let hooks = try Self.parse(
            """
            [[hook]]
            name = "both"
            on = ["qa_failed", "kit_failed", "kit_failed"]
            watch = ["w", "other"]
            url = "http://127.0.0.1:9000/hook"
            secret_file = "/run/secrets/k"
            timeout_s = 5
            max_attempts = 3
            command = ["/usr/local/bin/notify", "--quiet"]
            [[hook]]
            name = "script"
            watch = "w"
            on = ["awaiting_selection"]
            command = ["/bin/true"]
            """
        ).hooks
        #expect(hooks.map(\.name) == ["both", "script"])
        #expect(hooks[0].on == [.kitFailed, .qaFailed], "in Event order, once each")
        #expect(hooks[0].watches == ["w", "other"])
        #expect(hooks[0].urlTimeoutSeconds == 5 && hooks[0].commandTimeoutSeconds == 5 && hooks[0].maxAttempts == 3)
        #expect(hooks[0].command == ["/usr/local/bin/notify", "--quiet"])
        #expect(hooks[1].watches == ["w"] && hooks[1].on == [.awaitingSelection] && hooks[1].url == nil)
        #expect(hooks[1].wants(.awaitingSelection, watch: "w") && !hooks[1].wants(.awaitingSelection, watch: "other"))
        #expect(!hooks[1].wants(.kitComplete, watch: "w"))
    }

    @Test func plainHTTPToAListedHostIsAccepted() throws {
        let hooks = try Self.parse(
            """
            plain_http_hosts = ["ntfy.lan"]
            [[hook]]
            name = "lan"
            url = "http://ntfy.lan/refkit"
            secret_file = "/k"
            """
        ).hooks
        #expect(hooks.first?.url == "http://ntfy.lan/refkit")
    }

    static let hook = "[[hook]]\nname = \"h\"\n"
    static let signed = "url = \"https://x.example/\"\nsecret_file = \"/k\"\n"

    /// Each bad file, the key its error names and that key's line (the hook starts on line 2).
    @Test(arguments: [
        ("hook = 1\n", "hook", 2),
        ("[[hook]]\nurl = \"https://x.example/\"\n", "hook[0]", 2),
        ("[[hook]]\nname = \"a b\"\ncommand = [\"/bin/true\"]\n", "hook[0].name", 3),
        (hook, "hook[0]", 2),
        (hook + "url = \"https://x.example/\"\n", "hook[0].url", 4),
        (hook + "command = [\"/bin/true\"]\nsecret_file = \"/k\"\n", "hook[0].secret_file", 5),
        (hook + signed + "on = [\"kit_done\"]\n", "hook[0].on[0]", 6),
        (hook + signed + "on = []\n", "hook[0].on", 6),
        (hook + signed + "watch = \"nowhere\"\n", "hook[0].watch", 6),
        (hook + signed + "watch = [\"w\", \"nowhere\"]\n", "hook[0].watch[1]", 6),
        (hook + signed + "timeout_s = 0\n", "hook[0].timeout_s", 6),
        (hook + signed + "max_attempts = 1000\n", "hook[0].max_attempts", 6),
        (hook + signed + "retries = 3\n", "hook[0].retries", 6),
        (hook + "url = \"ftp://x.example/\"\nsecret_file = \"/k\"\n", "hook[0].url", 4),
        (hook + "url = \"http://x.example/\"\nsecret_file = \"/k\"\n", "hook[0].url", 4),
        (hook + "command = \"/bin/true\"\n", "hook[0].command", 4),
        (hook + "command = []\n", "hook[0].command", 4),
        (hook + "command = [\"notify-send\", \"done\"]\n", "hook[0].command[0]", 4),
        (hook + "command = [\"/bin/echo\", 3]\n", "hook[0].command[1]", 4),
        (hook + "command = [\"/bin/true\"]\n" + hook + "command = [\"/bin/false\"]\n", "hook[1].name", 6),
    ])
    func badHooksNameTheKeyAndLine(_ text: String, _ key: String, _ line: Int) {
        do throws(ConfigError) {
            _ = try Self.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.line == line, "\(error)")
            #expect(error.description.hasPrefix("/etc/refkit/refkit.toml:\(line): \(key): "), "\(error)")
        }
    }

    @Test func theMessagesSayWhatToDo() {
        func message(_ text: String) -> String {
            do throws(ConfigError) {
                _ = try Self.parse(text)
                return ""
            } catch { return error.message }
        }
        #expect(message(Self.hook + "command = [\"notify-send\"]\n").contains("no PATH search"))
        #expect(message(Self.hook + "url = \"https://x.example/\"\n").contains("needs secret_file"))
        #expect(message(Self.hook + "url = \"http://x.example/\"\nsecret_file = \"/k\"\n").contains("plain_http_hosts"))
        #expect(message(Self.hook + Self.signed + "on = [\"done\"]\n").contains("\"kit_complete\""))
        #expect(message(Self.hook + "command = [\"/bin/true\"]\n" + Self.hook + "command = [\"/bin/true\"]\n").contains("used twice"))
    }

    @Test func aReloadKeepsTheRunningHooks() throws {
        let running = try Self.parse(Self.hook + "command = [\"/bin/true\"]\n")
        var next = try Self.parse(Self.hook + "command = [\"/bin/false\"]\n")
        #expect(next.keepRunningValues(of: running) == ["hook"])
        #expect(next.hooks.first?.command == ["/bin/true"])
        var same = try Self.parse(Self.hook + "command = [\"/bin/true\"]\n")
        #expect(same.keepRunningValues(of: running).isEmpty)
    }
}

@Suite("Configuration: hooks in the example and README")
struct HookDocumentationTests {
    @Test func theExampleHasHooksAndTheReadmeNamesEveryKey() throws {
        let configuration = try ConfigurationLoader.load(path: exampleConfigPath)
        #expect(configuration.hooks.map(\.name) == ["chat", "desktop"])
        #expect(configuration.hooks[1].command == ["/usr/local/bin/refkit-notify", "--urgent"])
        let readme = try String(
            contentsOfFile: exampleConfigPath.replacingOccurrences(of: "config/refkit.toml", with: "README.md"), encoding: .utf8)
        let example = try String(contentsOfFile: exampleConfigPath, encoding: .utf8)
        for key in ["name", "on", "watch", "url", "secret_file", "timeout_s", "max_attempts", "command"] {
            #expect(readme.contains("`[[hook]] \(key)`"), "README lacks [[hook]] \(key)")
            #expect(example.contains("\n\(key) = "), "config/refkit.toml lacks \(key)")
        }
        for event in Configuration.Hook.Event.allCases {
            #expect(readme.contains("`\(event.rawValue)`"), "README lacks \(event.rawValue)")
        }
        for header in ["X-Refkit-Signature", "X-Refkit-Timestamp", "X-Refkit-Delivery", "X-Refkit-Event"] {
            #expect(readme.contains(header), "README lacks \(header)")
        }
    }
}
