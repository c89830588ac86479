import Foundation
import Glibc
import Synchronization

/// A minimal HTTP/1.1 server on 127.0.0.1 for benchmarks: one blocking thread per connection,
/// keep-alive, Content-Length bodies only, a handler that may block its own thread (the fake's
/// latency is a sleep there). It exists so that the fake's own work (reading ~400 KB bodies
/// through an async socket layer and waking tasks on the cooperative pool) does not show up as
/// request latency in refkit's figures: on a 2-core machine every millisecond the fake spends
/// is a millisecond refkit's requests wait. The tests keep using `LoopbackServer` (FlyingFox),
/// which speaks more of HTTP.
final class ThreadedHTTPServer: @unchecked Sendable {
    struct Reply: Sendable {
        var status: Int
        var body: [UInt8]
    }

    typealias Handler = @Sendable (_ method: String, _ path: String, _ body: [UInt8]) -> Reply

    let port: UInt16
    /// Connections accepted so far (curl reuses them: about one per request slot).
    let connections = Atomic<Int>(0)
    private let listener: Int32
    private let handler: Handler

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let acceptor = Thread { [self] in acceptLoop() }
        acceptor.name = "bench-fake-accept"
        acceptor.start()
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            connections.add(1, ordering: .relaxed)
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let worker = Thread { [self] in serve(connection) }
            worker.name = "bench-fake-conn"
            worker.stackSize = 256 * 1024
            worker.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        func fill() -> Bool {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        while true {
            // Headers.
            var headerEnd: Int?
            while headerEnd == nil {
                headerEnd = Self.find([13, 10, 13, 10], in: buffer)
                if headerEnd == nil, !fill() { return }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
            let lines = head.split(separator: "\r\n")
            let requestLine = lines.first?.split(separator: " ") ?? []
            guard requestLine.count >= 2 else { return }
            var contentLength = 0
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == "content-length" {
                    contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            let bodyStart = headerEnd! + 4
            while buffer.count < bodyStart + contentLength {
                if !fill() { return }
            }
            let body = Array(buffer[bodyStart..<(bodyStart + contentLength)])
            buffer.removeFirst(bodyStart + contentLength)
            let path = String(requestLine[1].split(separator: "?", maxSplits: 1).first ?? "")
            let reply = handler(String(requestLine[0]), path, body)
            let reason = reply.status == 200 ? "OK" : "Error"
            var out = Array(
                "HTTP/1.1 \(reply.status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(reply.body.count)\r\n\r\n".utf8)
            out.append(contentsOf: reply.body)
            var sent = 0
            while sent < out.count {
                let count = out.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return }
                sent += count
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
