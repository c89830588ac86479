import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tiny TCP server on 127.0.0.1 that answers every connection with exact bytes: for the
/// responses a real HTTP server will not produce (a body shorter than its Content-Length, a
/// stall mid-response, hand-written chunked encoding).
final class RawServer: Sendable {
    enum Step: Sendable {
        case send([UInt8])
        /// Keep the connection open until the client closes it or the server stops.
        case hold
        case close
    }

    let port: UInt16
    private let listener: Int32
    private let connections = Mutex<[Int32]>([])
    private let heads = Mutex<[String]>([])
    /// The request heads received (request line and headers), oldest first.
    var requestHeads: [String] { heads.withLock { $0 } }
    private let stopped = Mutex(false)
    /// Yields once per accepted connection, after the request head was read.
    let accepted: AsyncStream<Void>
    private let acceptedContinuation: AsyncStream<Void>.Continuation

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(script: [Step]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawServerError("socket: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw RawServerError("bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        self.listener = fd
        (accepted, acceptedContinuation) = AsyncStream.makeStream(of: Void.self)

        let thread = Thread { [self] in self.acceptLoop(script: script) }
        thread.name = "raw-server"
        thread.start()
    }

    /// Closes the listener and every connection still open.
    func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        // Under the lock that `serve` closes its descriptor under: a number in the list is still this
        // server's socket, never one another test opened after a close (shutting that down reset it).
        connections.withLock { for fd in $0 { shutdown(fd, Int32(SHUT_RDWR)) } }
        acceptedContinuation.finish()
    }

    deinit {
        stop()
        close(listener)
    }

    private func acceptLoop(script: [Step]) {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            if stopped.withLock({ $0 }) {
                close(fd)
                return
            }
            connections.withLock { $0.append(fd) }
            let thread = Thread { [self] in self.serve(fd, script: script) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32, script: [Step]) {
        defer {
            connections.withLock { open in
                open.removeAll { $0 == fd }
                close(fd)
            }
        }
        // Read the request head (bodies in these tests are empty).
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.ends(with: [13, 10, 13, 10]) && !(head.count > 4 && containsHeadEnd(head)) {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            head += buffer[0..<count]
        }
        heads.withLock { $0.append(String(decoding: head, as: UTF8.self)) }
        acceptedContinuation.yield()
        for step in script {
            switch step {
            case .send(let bytes):
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            case .hold:
                // Blocks until the client closes (read returns 0) or stop() shuts the socket down.
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { return }
                }
            case .close:
                return
            }
        }
    }

    private func containsHeadEnd(_ bytes: [UInt8]) -> Bool {
        let end: [UInt8] = [13, 10, 13, 10]
        return bytes.indices.dropLast(3).contains { bytes[$0..<$0 + 4].elementsEqual(end) }
    }

    /// A port with nothing listening: bound (never listened on) to learn a free port, then closed.
    static func closedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawServerError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw RawServerError("bind: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}

struct RawServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
