/// The metrics server could not start.
public enum MetricsHTTPServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The configured host is a valid address but not a loopback one (e.g. `0.0.0.0`).
    case notLoopback(String)
    /// The configured host is not an IP address literal or `localhost`.
    case invalidAddress(String)
    /// The socket, bind or listen failed (address in use, ...), with the socket error's text.
    case cannotListen(host: String, port: UInt16, String)

    /// A stable code, as in the rest of refkit's errors.
    public var code: String {
        switch self {
        case .notLoopback: "metrics_address_not_loopback"
        case .invalidAddress: "metrics_address_invalid"
        case .cannotListen: "metrics_listen_failed"
        }
    }

    public var description: String {
        switch self {
        case .notLoopback(let host):
            "refusing to serve metrics on \(host): it is not a loopback address; use 127.0.0.1 or ::1"
                + " (and a reverse proxy with authentication for remote scrapes)"
        case .invalidAddress(let host):
            "metrics address \(host) is not an IP address literal or localhost; use 127.0.0.1 or ::1"
        case .cannotListen(let host, let port, let error):
            "cannot serve metrics on \(host) port \(port): \(error)"
        }
    }
}
