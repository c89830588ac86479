import Foundation
import RefkitCore
import TOMLKit

/// Reads and validates `refkit.toml`. Unknown keys and wrong types are errors naming the key
/// path and the line.
public enum ConfigurationLoader {
    public static let providerKinds: Set<String> = ["preview", "gemini", "openai", "fal", "replicate", "comfyui"]

    /// The configuration used when no file is given: the offline `preview` provider, one watch
    /// over `./inbox` writing `./outbox`, state in `./refkit-state`.
    public static let embeddedDefault = """
        state_dir = "refkit-state"

        [[watch]]
        name = "default"
        inbox = "inbox"
        outbox = "outbox"
          [watch.default_order]
          stages = "turnaround"
          provider = "preview"
        """

    public static func load(path: String) throws(ConfigError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(
                file: path, line: nil, key: "", message: "cannot read the configuration file (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, key: "", message: "the configuration is not UTF-8 text")
        }
        var base = (path as NSString).deletingLastPathComponent
        if !base.hasPrefix("/") {
            base = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(base)
        }
        return try parse(text: text, file: path, relativeTo: (base as NSString).standardizingPath)
    }

    /// Parses TOML text. Relative paths in it are taken relative to `relativeTo` (the config's folder).
    public static func parse(text: String, file: String, relativeTo base: String) throws(ConfigError) -> Configuration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: Int(error.source.begin.line), key: "", message: "TOML syntax error: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, key: "", message: "TOML syntax error: \(error)")
        }
        var reader = ConfigReader(root: ConfigNode(table), file: file, locator: TOMLLineLocator(text: text), base: base)
        return try reader.read()
    }
}

/// Walks the document once, checking every key.
struct ConfigReader {
    let root: ConfigNode
    let file: String
    let locator: TOMLLineLocator
    let base: String

    func fail(_ path: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: locator.line(of: path), key: path, message: message)
    }

    func table(_ node: ConfigNode?, _ path: String, allowed: Set<String>) throws(ConfigError) -> ConfigNode? {
        guard let node else { return nil }
        guard case .table(let members) = node else { throw fail(path, "must be a table, got \(node.typeName)") }
        for (key, _) in members where !allowed.contains(key) {
            let p = path.isEmpty ? key : "\(path).\(key)"
            throw fail(p, "unknown key (allowed here: \(allowed.sorted().joined(separator: ", ")))")
        }
        return node
    }

    func string(_ node: ConfigNode?, _ path: String) throws(ConfigError) -> String? {
        guard let node else { return nil }
        guard case .string(let s) = node else { throw fail(path, "must be a string, got \(node.typeName)") }
        return s
    }

    func int(_ node: ConfigNode?, _ path: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let node else { return nil }
        guard case .int(let i) = node else { throw fail(path, "must be an integer, got \(node.typeName)") }
        guard range.contains(i) else { throw fail(path, "must be between \(range.lowerBound) and \(range.upperBound), got \(i)") }
        return i
    }

    func double(_ node: ConfigNode?, _ path: String, _ range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let node else { return nil }
        let d: Double
        switch node {
        case .double(let v): d = v
        case .int(let v): d = Double(v)
        default: throw fail(path, "must be a number, got \(node.typeName)")
        }
        guard range.contains(d) else { throw fail(path, "must be between \(range.lowerBound) and \(range.upperBound), got \(d)") }
        return d
    }

    func bool(_ node: ConfigNode?, _ path: String) throws(ConfigError) -> Bool? {
        guard let node else { return nil }
        guard case .bool(let b) = node else { throw fail(path, "must be true or false, got \(node.typeName)") }
        return b
    }

    func path(_ node: ConfigNode?, _ key: String) throws(ConfigError) -> String? {
        guard let s = try string(node, key) else { return nil }
        guard !s.isEmpty else { throw fail(key, "must not be empty") }
        return ((s.hasPrefix("/") ? s : (base as NSString).appendingPathComponent(s)) as NSString).standardizingPath
    }

    mutating func read() throws(ConfigError) -> Configuration {
        let top = try table(
            root, "",
            allowed: [
                "state_dir", "log_level", "daemon", "limits", "retry", "watch", "providers", "analyzer", "civitai", "outputs", "metrics",
                "plain_http_hosts", "qa", "web", "hook",
            ])!
        let stateDir = try path(top["state_dir"], "state_dir") ?? "/var/lib/refkit"
        let logLevel = try string(top["log_level"], "log_level") ?? "info"
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else { throw fail("log_level", "must be one of \(levels.joined(separator: ", "))") }

        var daemon = Configuration.Daemon()
        if let d = try table(top["daemon"], "daemon", allowed: Self.daemonKeys) {
            daemon.rescanIntervalSeconds =
                try int(d["rescan_interval_s"], "daemon.rescan_interval_s", 5...86400) ?? daemon.rescanIntervalSeconds
            daemon.pollIntervalMs = try int(d["poll_interval_ms"], "daemon.poll_interval_ms", 100...600_000) ?? daemon.pollIntervalMs
            daemon.drainTimeoutSeconds = try int(d["drain_timeout_s"], "daemon.drain_timeout_s", 0...3600) ?? daemon.drainTimeoutSeconds
            daemon.diskFullRetrySeconds =
                try int(d["disk_full_retry_s"], "daemon.disk_full_retry_s", 1...86400) ?? daemon.diskFullRetrySeconds
            daemon.workRetentionHours = try int(d["work_retention_h"], "daemon.work_retention_h", 0...87600) ?? daemon.workRetentionHours
            daemon.maxStateMB = try int(d["max_state_mb"], "daemon.max_state_mb", 0...(1 << 30)) ?? daemon.maxStateMB
            daemon.janitorIntervalSeconds =
                try int(d["janitor_interval_s"], "daemon.janitor_interval_s", 1...86400) ?? daemon.janitorIntervalSeconds
            daemon.summaryIntervalSeconds =
                try int(d["summary_interval_s"], "daemon.summary_interval_s", 1...86400) ?? daemon.summaryIntervalSeconds
            daemon.databaseCheckSeconds = try int(d["database_check_s"], "daemon.database_check_s", 1...3600) ?? daemon.databaseCheckSeconds
        }
        var limits = Configuration.Limits()
        let limitKeys: Set<String> = ["concurrency", "max_source_bytes", "max_source_pixels", "max_long_side", "max_aspect_ratio"]
        if let l = try table(top["limits"], "limits", allowed: limitKeys) {
            limits.concurrency = try int(l["concurrency"], "limits.concurrency", 1...1024) ?? limits.concurrency
            limits.maxSourceBytes = try int(l["max_source_bytes"], "limits.max_source_bytes", 1...(1 << 34)) ?? limits.maxSourceBytes
            limits.maxSourcePixels =
                try int(l["max_source_pixels"], "limits.max_source_pixels", 1...1_000_000_000) ?? limits.maxSourcePixels
            limits.maxLongSide = try int(l["max_long_side"], "limits.max_long_side", 64...16384) ?? limits.maxLongSide
            limits.maxAspectRatio = try double(l["max_aspect_ratio"], "limits.max_aspect_ratio", 1...1000) ?? limits.maxAspectRatio
        }
        var retry = Configuration.Retry()
        if let r = try table(top["retry"], "retry", allowed: ["attempts", "base_delay_ms", "max_delay_ms", "max_retry_after_s"]) {
            retry.attempts = try int(r["attempts"], "retry.attempts", 1...20) ?? retry.attempts
            retry.baseDelayMs = try int(r["base_delay_ms"], "retry.base_delay_ms", 0...600_000) ?? retry.baseDelayMs
            retry.maxDelayMs = try int(r["max_delay_ms"], "retry.max_delay_ms", 0...3_600_000) ?? retry.maxDelayMs
            retry.maxRetryAfterSeconds = try int(r["max_retry_after_s"], "retry.max_retry_after_s", 1...86400) ?? retry.maxRetryAfterSeconds
        }
        var outputs = Configuration.Outputs()
        if let o = try table(top["outputs"], "outputs", allowed: ["text_plan_min_share", "source_long_side"]) {
            outputs.textPlanMinShare =
                try double(o["text_plan_min_share"], "outputs.text_plan_min_share", 0...1) ?? outputs.textPlanMinShare
            outputs.sourceLongSide = try int(o["source_long_side"], "outputs.source_long_side", 256...8192) ?? outputs.sourceLongSide
        }

        var metrics = Configuration.Metrics()
        if let m = try table(top["metrics"], "metrics", allowed: ["textfile", "listen", "interval_s"]) {
            metrics.textfile = try path(m["textfile"], "metrics.textfile")
            if let listen = try string(m["listen"], "metrics.listen") {
                guard ListenAddress.parse(listen) != nil else {
                    throw fail("metrics.listen", "must be HOST:PORT on a loopback address, e.g. \"127.0.0.1:9464\" (IPv6 in brackets)")
                }
                try checkLoopbackListen(listen)
                metrics.listen = listen
            }
            metrics.intervalSeconds = try int(m["interval_s"], "metrics.interval_s", 1...3600) ?? metrics.intervalSeconds
        }
        var providers: [String: Configuration.Provider] = [
            "preview": .init(name: "preview", kind: "preview", concurrency: 4, requestsPerMinute: 100_000, timeoutSeconds: 60)
        ]
        if let p = top["providers"] {
            guard case .table(let members) = p else { throw fail("providers", "must be a table of [providers.NAME] tables") }
            for (name, node) in members {
                providers[name] = try readProvider(name: name, node: node)
            }
        }

        var watches: [Configuration.Watch] = []
        if let w = top["watch"] {
            guard case .array(let items) = w else { throw fail("watch", "must be written as [[watch]] tables") }
            for (i, item) in items.enumerated() {
                watches.append(try readWatch(item, path: "watch[\(i)]", providers: providers))
            }
        }
        guard !watches.isEmpty else { throw fail("watch", "at least one [[watch]] is needed") }
        var names = Set<String>()
        var inboxes = Set<String>()
        for (i, w) in watches.enumerated() {
            guard names.insert(w.name).inserted else { throw fail("watch[\(i)].name", "watch name \"\(w.name)\" is used twice") }
            let inbox = (w.inbox as NSString).standardizingPath
            guard inboxes.insert(inbox).inserted else { throw fail("watch[\(i)].inbox", "inbox \(w.inbox) is watched twice") }
            for other in inboxes where other != inbox && (inbox.hasPrefix(other + "/") || other.hasPrefix(inbox + "/")) {
                throw fail("watch[\(i)].inbox", "inbox \(w.inbox) is nested inside another watched inbox (\(other))")
            }
            for (label, p) in [("outbox", w.outbox), ("rejected", w.rejected)] {
                let s = (p as NSString).standardizingPath
                if s == inbox || s.hasPrefix(inbox + "/") {
                    throw fail("watch[\(i)].\(label)", "must not be inside the inbox (it would be watched)")
                }
            }
        }
        // Nor inside another watch's inbox: what one watch writes, the other would take in as sources.
        for (i, w) in watches.enumerated() {
            for (label, p) in [("outbox", w.outbox), ("rejected", w.rejected)] {
                let s = (p as NSString).standardizingPath
                for other in watches where other.name != w.name {
                    let inbox = (other.inbox as NSString).standardizingPath
                    if s == inbox || s.hasPrefix(inbox + "/") {
                        throw fail("watch[\(i)].\(label)", "must not be inside the inbox of watch \"\(other.name)\" (it would be watched)")
                    }
                }
            }
        }

        var analyzer: Configuration.Analyzer?
        let analyzerKeys: Set<String> = ["base_url", "model", "api_key_env", "api_key_file", "timeout_s", "price_per_call_usd"]
        if let a = try table(top["analyzer"], "analyzer", allowed: analyzerKeys) {
            analyzer = Configuration.Analyzer(
                baseURL: try string(a["base_url"], "analyzer.base_url") ?? "https://api.openai.com/v1",
                model: try string(a["model"], "analyzer.model") ?? "gpt-4.1-mini",
                apiKeyEnv: try string(a["api_key_env"], "analyzer.api_key_env"),
                apiKeyFile: try path(a["api_key_file"], "analyzer.api_key_file"),
                timeoutSeconds: try int(a["timeout_s"], "analyzer.timeout_s", 1...3600) ?? 60,
                pricePerCallUSD: try double(a["price_per_call_usd"], "analyzer.price_per_call_usd", 0...100) ?? 0)
        }
        let civitai = try readCivitai(top["civitai"])
        try checkFolderOverlaps(stateDir: stateDir, watches: watches)
        var configuration = Configuration(
            stateDir: stateDir, logLevel: logLevel, daemon: daemon, limits: limits, retry: retry, watches: watches,
            providers: providers, analyzer: analyzer, civitai: civitai, outputs: outputs, file: file)
        configuration.metrics = metrics
        configuration.qa = try readQA(top["qa"], providers: providers, analyzer: analyzer)
        configuration.web = try readWeb(top["web"], stateDir: stateDir)
        configuration.hooks = try readHooks(top["hook"], watches: watches, plainHTTPHosts: top["plain_http_hosts"])
        try checkPlainHTTP(configuration, listed: top["plain_http_hosts"])
        return configuration
    }

    static let daemonKeys: Set<String> = [
        "rescan_interval_s", "poll_interval_ms", "drain_timeout_s", "disk_full_retry_s", "work_retention_h", "max_state_mb",
        "janitor_interval_s",
        "summary_interval_s", "database_check_s",
    ]
}
