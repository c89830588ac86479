import RefkitCore

extension Configuration {
    /// One `[[hook]]`: who is told when a kit reaches one of `on`, by a signed POST to `url`
    /// and/or by running `command`. Read at start; a SIGHUP keeps the running hooks (their
    /// secrets are read once, with the dispatcher).
    public struct Hook: Sendable, Equatable {
        /// What a hook can be told about: a kit's final status, a kit waiting for a person to
        /// choose its avatar, and a kit that finished with a reference QA failed.
        public enum Event: String, Sendable, Equatable, CaseIterable, Comparable {
            case kitComplete = "kit_complete"
            case kitPartial = "kit_partial"
            case kitFailed = "kit_failed"
            case awaitingSelection = "awaiting_selection"
            case qaFailed = "qa_failed"

            public static func < (a: Self, b: Self) -> Bool {
                allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
            }
        }

        /// The default `timeout_s` of the POST: a receiver should answer at once and work later.
        public static let defaultURLTimeoutSeconds = 10
        /// The default `timeout_s` of the command.
        public static let defaultCommandTimeoutSeconds = 30
        public static let defaultMaxAttempts = 8

        /// Unique among the hooks; part of every delivery's id.
        public var name: String
        /// The events it is told about, in `Event` order (default: all).
        public var on: [Event] = Event.allCases
        /// Only kits of these watches (empty: every watch).
        public var watches: [String] = []
        /// Where the kit's summary JSON is POSTed, signed with the key in `secretFile`.
        public var url: String?
        /// The HMAC-SHA256 key (the file's bytes, one trailing newline dropped); needed with `url`.
        public var secretFile: String?
        public var urlTimeoutSeconds = Hook.defaultURLTimeoutSeconds
        /// Attempts of one delivery before it is given up (status `failed`, logged at error).
        public var maxAttempts = Hook.defaultMaxAttempts
        /// An argv (an absolute program path, then its arguments), run without a shell; the kit's
        /// folder and status are appended.
        public var command: [String]?
        public var commandTimeoutSeconds = Hook.defaultCommandTimeoutSeconds

        public init(name: String) { self.name = name }

        /// Whether the hook is told about `event` for a kit of `watch`.
        public func wants(_ event: Event, watch: String) -> Bool {
            on.contains(event) && (watches.isEmpty || watches.contains(watch))
        }
    }
}

extension ConfigReader {
    static let hookKeys: Set<String> = ["name", "on", "watch", "url", "secret_file", "timeout_s", "max_attempts", "command"]

    /// `[[hook]]` tables, each checked with its line: a unique name, known events and watches,
    /// a URL and/or a command, a secret file with a URL, an absolute program path.
    func readHooks(
        _ node: ConfigNode?, watches: [Configuration.Watch], plainHTTPHosts: ConfigNode?
    ) throws(ConfigError) -> [Configuration.Hook] {
        guard let node else { return [] }
        guard case .array(let items) = node else { throw fail("hook", "must be written as [[hook]] tables") }
        var hooks: [Configuration.Hook] = []
        for (i, item) in items.enumerated() {
            let hook = try readHook(item, path: "hook[\(i)]", watches: watches, plainHTTPHosts: plainHTTPHosts)
            if hooks.contains(where: { $0.name == hook.name }) { throw fail("hook[\(i)].name", "hook name \"\(hook.name)\" is used twice") }
            hooks.append(hook)
        }
        return hooks
    }

    private func readHook(
        _ node: ConfigNode, path p: String, watches: [Configuration.Watch], plainHTTPHosts: ConfigNode?
    ) throws(ConfigError) -> Configuration.Hook {
        _ = try table(node, p, allowed: Self.hookKeys)
        guard let name = try string(node["name"], "\(p).name") else { throw fail(p, "a hook needs a name") }
        guard SafeName.isSafeIdentifier(name) else { throw fail("\(p).name", "hook names use 1-64 of A-Z a-z 0-9 _ -") }
        var hook = Configuration.Hook(name: name)
        if let on = node["on"] {
            let known = Configuration.Hook.Event.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            guard case .array(let items) = on, !items.isEmpty else {
                throw fail("\(p).on", "must be a non-empty array of events: \(known)")
            }
            var events = Set<Configuration.Hook.Event>()
            for (i, item) in items.enumerated() {
                guard case .string(let text) = item, let event = Configuration.Hook.Event(rawValue: text) else {
                    throw fail("\(p).on[\(i)]", "unknown event (known: \(known))")
                }
                events.insert(event)
            }
            hook.on = events.sorted()
        }
        hook.watches = try stringList(node["watch"], "\(p).watch")
        for (i, watch) in hook.watches.enumerated() where !watches.contains(where: { $0.name == watch }) {
            let key = node["watch"].map { if case .array = $0 { "\(p).watch[\(i)]" } else { "\(p).watch" } } ?? p
            throw fail(key, "no watch named \"\(watch)\" is configured")
        }
        hook.url = try string(node["url"], "\(p).url")
        if let url = hook.url { try checkHookURL(url, key: "\(p).url", plainHTTPHosts: plainHTTPHosts) }
        hook.secretFile = try path(node["secret_file"], "\(p).secret_file")
        if let command = node["command"] {
            let argv = try stringList(command, "\(p).command")
            guard case .array = command, let program = argv.first else {
                throw fail("\(p).command", "must be a non-empty array: the program's absolute path, then its arguments (no shell runs it)")
            }
            guard program.hasPrefix("/") else {
                throw fail(
                    "\(p).command[0]",
                    "must be an absolute path (no shell runs the command, so there is no PATH search), got \"\(program)\"")
            }
            hook.command = argv
        }
        switch (hook.url, hook.command, hook.secretFile) {
        case (nil, nil, _): throw fail(p, "hook \"\(name)\" needs a url, a command or both")
        case (_?, _, nil): throw fail("\(p).url", "a url needs secret_file: the key its deliveries are signed with")
        case (nil, _, _?): throw fail("\(p).secret_file", "secret_file signs url deliveries, and this hook has no url")
        default: break
        }
        if let timeout = try int(node["timeout_s"], "\(p).timeout_s", 1...3600) {
            // One key for both: a hook with both a url and a command gives each the same bound.
            hook.urlTimeoutSeconds = timeout
            hook.commandTimeoutSeconds = timeout
        }
        hook.maxAttempts = try int(node["max_attempts"], "\(p).max_attempts", 1...100) ?? hook.maxAttempts
        return hook
    }

    /// A string or an array of strings, as a list.
    private func stringList(_ node: ConfigNode?, _ key: String) throws(ConfigError) -> [String] {
        switch node {
        case nil: return []
        case .string(let s)?: return [s]
        case .array(let items)?:
            var list: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item, !s.isEmpty else { throw fail("\(key)[\(i)]", "must be a non-empty string") }
                list.append(s)
            }
            return list
        case let other?: throw fail(key, "must be a string or an array of strings, got \(other.typeName)")
        }
    }

    /// https, or http to loopback or a host `plain_http_hosts` lists (the client refuses any other
    /// plain http, so the hook would never deliver).
    private func checkHookURL(_ url: String, key: String, plainHTTPHosts: ConfigNode?) throws(ConfigError) {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { throw fail(key, "must start with https:// or http://") }
        guard let host = PlainHTTP.host(ofHTTPURL: url), !AddressClass.isLoopbackHost(host) else { return }
        var listed: [String] = []
        if case .array(let items)? = plainHTTPHosts {
            for case .string(let name) in items { listed.append(PlainHTTP.normalisedHost(name)) }
        }
        guard listed.contains(host) else {
            throw fail(
                key, "plain http to \(host) would send kit details in clear text: use https://, or list the host in plain_http_hosts")
        }
    }
}
