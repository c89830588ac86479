import Foundation
import RefkitTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A unix datagram socket standing in for systemd's notification socket: bound to a path, or
/// to an abstract name of exactly the name's length (as systemd binds it).
final class DatagramReceiver: @unchecked Sendable {
    let fd: Int32
    /// The `NOTIFY_SOCKET` value that reaches this socket.
    let notifySocket: String

    /// Binds `path` (a filesystem path) or, for `@name`, the abstract `name`.
    init(_ name: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        notifySocket = name
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let length = socklen_t(offset + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw FixtureError("bind \(name): \(message)")
        }
    }

    deinit { close(fd) }

    /// The next datagram, waiting at most `timeout` (poll, not sleep); nil when none came.
    func receive(timeout: Duration = .seconds(5)) throws -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&pfd, 1, milliseconds)
        guard ready >= 0 else { throw FixtureError("poll: \(String(cString: strerror(errno)))") }
        guard ready > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw FixtureError("recv: \(String(cString: strerror(errno)))") }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// `receive(timeout:)` on a thread of its own, so a wait never holds one of the few
    /// threads that run Swift concurrency (the code under test needs them).
    func next(timeout: Duration = .seconds(5)) async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            let waiter = Thread { continuation.resume(with: Result { try self.receive(timeout: timeout) }) }
            waiter.start()
        }
    }

    /// Every datagram already queued, without waiting.
    func drain() throws -> [String] {
        var all: [String] = []
        while let next = try receive(timeout: .zero) { all.append(next) }
        return all
    }
}

/// A name no other test run uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
}
