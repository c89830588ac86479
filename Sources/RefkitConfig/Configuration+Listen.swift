import RefkitCore

/// A `HOST:PORT` the configuration listens on, split: the one reader of that text after the
/// loader (`[metrics] listen`, `[web] listen`). IPv6 addresses are written in brackets
/// (`[::1]:8642`); `host` holds them without.
public struct ListenAddress: Sendable, Hashable {
    /// Lowercased, without IPv6 brackets.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Splits at the last colon; nil when there is no port or it is not 0-65535. An unbracketed
    /// host with a colon (`::1:80`) is nil: which colon ends the address would be a guess.
    public static func parse(_ text: String) -> ListenAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon]).lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard case .v6? = AddressClass.parse(host) else { return nil }
        } else if host.contains(":") || host.contains("[") || host.contains("]") {
            return nil
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == "@" || $0 == " " }) else { return nil }
        return ListenAddress(host: host, port: port)
    }

    /// `host:port` as a URL or a `Host` header writes it (IPv6 in brackets).
    public var authority: String { "\(Self.urlHost(host)):\(port)" }

    /// `host` as a URL writes it: IPv6 literals in brackets.
    public static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// `localhost` or a loopback literal: reachable from this machine only.
    public var isLoopback: Bool { AddressClass.isLoopbackHost(host) }

    /// `0.0.0.0` or `::`: every address of the machine, loopback included.
    public var isUnspecified: Bool {
        switch AddressClass.parse(host) {
        case .v4(let value)?: value == 0
        case .v6(let bytes)?: bytes.allSatisfy { $0 == 0 }
        case nil: false
        }
    }
}

extension Configuration.Metrics {
    /// `listen` as the host and port to bind (`127.0.0.1:9100`, `[::1]:9100` without its
    /// brackets); nil when metrics are not served. The loader has checked the text already.
    public var listenAddress: (host: String, port: UInt16)? {
        guard let listen, let address = ListenAddress.parse(listen) else { return nil }
        return (address.host, address.port)
    }
}
