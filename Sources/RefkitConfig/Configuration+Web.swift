import RefkitCore

extension Configuration {
    /// `[web]`: the web UI and JSON API that `refkit run` serves. Every request needs the token
    /// in `token_file`; the listener is on loopback unless `allow_remote` says otherwise.
    public struct Web: Sendable, Equatable {
        /// The default port: near the 8xxx ports local UIs use, and not ComfyUI's 8188.
        public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 8642)

        /// `refkit run` serves the UI.
        public var enabled = true
        /// Where it listens (port 0: any free port, for tests).
        public var listen = Web.defaultListen
        /// A non-loopback `listen` is refused unless this is set: the UI would face the network.
        public var allowRemote = false
        /// The token every request must carry; the loader makes it `STATE_DIR/web-token` unless set.
        public var tokenFile = "web-token"
        /// More `Host` values the UI answers to (as a browser sends them: `name` or `name:port`,
        /// lowercased), for a reverse proxy; the listen address is always allowed.
        public var hosts: [String] = []

        public init() {}
    }
}

extension ConfigReader {
    static let webKeys: Set<String> = ["enabled", "listen", "allow_remote", "token_file", "hosts"]

    func readWeb(_ node: ConfigNode?, stateDir: String) throws(ConfigError) -> Configuration.Web {
        var web = Configuration.Web()
        web.tokenFile = stateDir + "/web-token"
        guard let w = try table(node, "web", allowed: Self.webKeys) else { return web }
        web.enabled = try bool(w["enabled"], "web.enabled") ?? web.enabled
        web.allowRemote = try bool(w["allow_remote"], "web.allow_remote") ?? web.allowRemote
        web.tokenFile = try path(w["token_file"], "web.token_file") ?? web.tokenFile
        if let listen = try string(w["listen"], "web.listen") {
            guard let address = ListenAddress.parse(listen) else {
                throw fail(
                    "web.listen", "must be HOST:PORT, e.g. \"127.0.0.1:8642\" or \"[::1]:8642\" (IPv6 in brackets), got \"\(listen)\"")
            }
            web.listen = address
        }
        if !web.listen.isLoopback && !web.allowRemote {
            throw fail(
                "web.listen",
                "\(web.listen.host) is not a loopback address: the UI would be reachable from the network; set allow_remote = true "
                    + "in [web] to serve it there (every request still needs the token in token_file)")
        }
        if let hosts = w["hosts"] {
            guard case .array(let items) = hosts else { throw fail("web.hosts", "must be an array of host names, got \(hosts.typeName)") }
            for (i, item) in items.enumerated() {
                guard case .string(let host) = item, let normalised = WebHost.normalised(host) else {
                    throw fail("web.hosts[\(i)]", "must be a host name as the browser sends it: \"name\" or \"name:port\"")
                }
                web.hosts.append(normalised)
            }
        }
        return web
    }
}

/// `Host` values as the web UI compares them: lowercased, IPv6 in brackets, no trailing dot.
public enum WebHost {
    /// `name` or `name:port` (`[v6]` or `[v6]:port`) lowercased; nil for anything else (a path,
    /// credentials, spaces, an empty name, an unbracketed IPv6 address, a port that is not 1-65535).
    public static func normalised(_ text: String) -> String? {
        var host = text.lowercased()
        var port: Substring = ""
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]"), case .v6? = AddressClass.parse(String(host.dropFirst()[..<close])) else {
                return nil
            }
            port = host[host.index(after: close)...]
            host = String(host[...close])
        } else {
            if let colon = host.firstIndex(of: ":") {
                port = host[colon...]
                host = String(host[..<colon])
            }
            while host.hasSuffix(".") { host.removeLast() }
            guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") })
            else { return nil }
        }
        guard !port.isEmpty else { return host }
        guard port.hasPrefix(":"), let number = UInt16(port.dropFirst()), number > 0 else { return nil }
        return "\(host):\(number)"
    }
}
