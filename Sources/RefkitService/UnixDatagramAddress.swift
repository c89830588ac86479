import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// A `sockaddr_un` for a datagram destination: a filesystem path (`/run/systemd/notify`) or an
/// abstract name (`@name`, stored with a leading NUL byte).
struct UnixDatagramAddress: Sendable {
    /// The bytes of `sun_path` that are used (for an abstract name, the leading NUL included).
    let path: [UInt8]
    let isAbstract: Bool

    /// Offset of `sun_path` in `sockaddr_un`: an abstract address's length is this plus the
    /// name's length, because every byte of `sun_path` counts in the abstract namespace.
    static let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? MemoryLayout<sa_family_t>.size
    static let pathCapacity = MemoryLayout<sockaddr_un>.size - pathOffset

    init(_ name: String) throws(SystemCallError) {
        let utf8 = Array(name.utf8)
        if utf8.first == UInt8(ascii: "@") {
            isAbstract = true
            path = [0] + utf8.dropFirst()
            guard path.count <= Self.pathCapacity else { throw SystemCallError("NOTIFY_SOCKET \(name)", errno: ENAMETOOLONG) }
        } else if utf8.first == UInt8(ascii: "/") {
            isAbstract = false
            path = utf8
            // Room for the terminating NUL.
            guard path.count < Self.pathCapacity, !utf8.contains(0) else {
                throw SystemCallError("NOTIFY_SOCKET \(name)", errno: ENAMETOOLONG)
            }
        } else {
            // vsock: and other forms (systemd 253+) are not used by Debian 12's systemd.
            throw SystemCallError("NOTIFY_SOCKET \(name) (neither an absolute path nor @abstract)", errno: EAFNOSUPPORT)
        }
    }

    /// The address length to pass with it: for a path, up to and including its NUL; for an
    /// abstract name, exactly the name (no terminator, no padding).
    var length: socklen_t {
        socklen_t(Self.pathOffset + path.count + (isAbstract ? 0 : 1))
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
