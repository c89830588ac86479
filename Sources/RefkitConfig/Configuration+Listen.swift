extension Configuration.Metrics {
    /// `listen` as the host and port to bind (`127.0.0.1:9100`, `[::1]:9100` without its
    /// brackets); nil when metrics are not served. The loader has checked the text already.
    public var listenAddress: (host: String, port: UInt16)? {
        guard let listen, let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            return nil
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
