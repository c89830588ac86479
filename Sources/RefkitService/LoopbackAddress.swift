import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A literal loopback address: 127.0.0.0/8, ::1, ::ffff:127.x.y.z, or `localhost` (127.0.0.1).
struct LoopbackAddress: Sendable {
    /// The address as given, brackets removed and `localhost` as 127.0.0.1.
    let text: String
    let isIPv6: Bool

    init(_ host: String) throws(MetricsHTTPServerError) {
        var name = host.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { name = "127.0.0.1" }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4) { Array($0) }
            guard bytes[0] == 127 else { throw .notLoopback(host) }
            (text, isIPv6) = (name, false)
        } else if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            let isLoopback = bytes == Array(repeating: 0, count: 15) + [1]
            let isMappedLoopback = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127
            guard isLoopback || isMappedLoopback else { throw .notLoopback(host) }
            (text, isIPv6) = (name, true)
        } else {
            throw .invalidAddress(host)
        }
    }
}
