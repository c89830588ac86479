import Foundation
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// A literal loopback address: 127.0.0.0/8, ::1, ::ffff:127.x.y.z, or `localhost` (127.0.0.1).
struct LoopbackAddress: Sendable {
    let family: Int32
    let text: String
    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    let bytes: [UInt8]

    init(_ host: String) throws(MetricsHTTPServerError) {
        var name = host.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { name = "127.0.0.1" }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4) { Array($0) }
            guard bytes[0] == 127 else { throw .notLoopback(host) }
            (family, text, self.bytes) = (AF_INET, name, bytes)
        } else if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            let isLoopback = bytes == Array(repeating: 0, count: 15) + [1]
            let isMappedLoopback = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127
            guard isLoopback || isMappedLoopback else { throw .notLoopback(host) }
            (family, text, self.bytes) = (AF_INET6, name, bytes)
        } else {
            throw .invalidAddress(host)
        }
    }

    func withSockaddr<R>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(SystemCallError) -> R) throws(SystemCallError) -> R {
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            return try withUnsafePointer(to: &address) { pointer throws(SystemCallError) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemCallError) in
                    try body(address, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
        return try withUnsafePointer(to: &address) { pointer throws(SystemCallError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemCallError) in
                try body(address, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }
}
