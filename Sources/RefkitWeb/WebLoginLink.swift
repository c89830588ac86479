import RefkitConfig

/// The link `refkit web-url` prints: opening it sets the cookie and lands on the kit list.
public enum WebLoginLink {
    /// `http://HOST:PORT/login?token=TOKEN`. A wildcard listener (`0.0.0.0`, `::`) is reached
    /// on loopback from this machine, the one place the command runs; the token needs no escaping
    /// (`WebToken` holds only URL-safe characters).
    public static func url(_ web: Configuration.Web, token: WebToken) -> String {
        var host = web.listen.host
        if web.listen.isUnspecified { host = host.contains(":") ? "::1" : "127.0.0.1" }
        return "http://\(ListenAddress(host: host, port: web.listen.port).authority)/login?token=\(token.value)"
    }
}
