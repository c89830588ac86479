import Dispatch
import Foundation
import Logging
import RefkitSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Serves `GET /metrics` (Prometheus text format) on a loopback address, for a local
/// Prometheus or an authenticating reverse proxy. Other addresses are refused: the metrics
/// name watches and providers, and the daemon has no TLS or authentication of its own.
///
/// A minimal HTTP/1.0 responder on one dedicated thread: `poll()` on the listening socket and a
/// wake-up pipe, one request per connection, requests bounded in size and time, responses
/// closed after sending. Scrapes are rare and small, so connections are served one at a time.
public final class MetricsHTTPServer: Sendable {
    /// The address bound (as configured, brackets removed).
    public let host: String
    /// The port bound (the kernel's choice when 0 was asked for).
    public let port: UInt16

    /// Requests larger than this (request line plus headers) get 431 and are closed.
    public static let maximumRequestBytes = 8192
    /// A connection that has not sent its request within this time is closed.
    public static let requestTimeout: Duration = .seconds(5)

    private let registry: MetricsRegistry
    private let logger: Logger
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let state = Mutex(State())
    private let thread = DispatchGroup()

    private struct State {
        var started = false
        var stopRequested = false
        var listenerClosed = false
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Binds `host:port` and listens (so the port is known and taken at once); serving starts
    /// with `run()` or `start()`. Throws when `host` is not a loopback address or the bind fails.
    public init(host: String, port: UInt16, registry: MetricsRegistry, logger: Logger = Logger(label: "refkit.service")) throws(MetricsHTTPServerError) {
        let address = try LoopbackAddress(host)
        self.host = address.text
        self.registry = registry
        self.logger = logger
        do throws(SystemCallError) {
            let fd = try systemCall("socket") { socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0) }
            do throws(SystemCallError) {
                var on: Int32 = 1
                try systemCall("setsockopt SO_REUSEADDR") { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) }
                if address.family == AF_INET6 {
                    try systemCall("setsockopt IPV6_V6ONLY") { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size)) }
                }
                _ = try address.withSockaddr(port: port) { pointer, length throws(SystemCallError) in
                    try systemCall("bind \(address.text) port \(port)") { bind(fd, pointer, length) }
                }
                try systemCall("listen") { listen(fd, 16) }
                self.port = try Self.boundPort(fd)
                var pipeFds: [Int32] = [-1, -1]
                try systemCall("pipe") { pipe(&pipeFds) }
                for end in pipeFds {
                    _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                    _ = fcntl(end, F_SETFL, O_NONBLOCK)
                }
                listener = fd
                wakeRead = pipeFds[0]
                wakeWrite = pipeFds[1]
            } catch {
                close(fd)
                throw error
            }
        } catch {
            throw .cannotListen(host: address.text, port: port, error)
        }
    }

    deinit {
        let closeListener = state.withLock { !$0.listenerClosed }
        if closeListener { close(listener) }
        close(wakeRead)
        close(wakeWrite)
    }

    /// `http://HOST:PORT/metrics`.
    public var url: String {
        host.contains(":") ? "http://[\(host)]:\(port)/metrics" : "http://\(host):\(port)/metrics"
    }

    /// Starts serving on the dedicated thread (once; later calls do nothing).
    public func start() {
        let begin = state.withLock { state in
            guard !state.started, !state.stopRequested else { return false }
            state.started = true
            return true
        }
        guard begin else { return }
        thread.enter()
        let worker = Thread { [self] in
            serve()
            closeListener()
            let waiters = state.withLock { state in
                state.finished = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
            thread.leave()
        }
        worker.name = "refkit-metrics-http"
        worker.start()
        logger.info("serving metrics", metadata: ["url": "\(url)"])
    }

    /// Serves until `shutdown()` or until the task is cancelled.
    public func run() async {
        start()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.finished || !state.started { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            requestStop()
        }
    }

    /// Stops serving, closes the listening socket and waits (briefly) for the thread to end.
    public func shutdown() {
        requestStop()
        let started = state.withLock { $0.started }
        if started {
            _ = thread.wait(timeout: .now() + .seconds(10))
        } else {
            closeListener()
        }
    }

    private func requestStop() {
        state.withLock { $0.stopRequested = true }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func closeListener() {
        let close = state.withLock { state in
            defer { state.listenerClosed = true }
            return !state.listenerClosed
        }
        if close { Glibc.close(listener) }
    }

    private var stopRequested: Bool { state.withLock { $0.stopRequested } }

    // MARK: - The thread

    private func serve() {
        while !stopRequested {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            do {
                try systemCall("poll") { poll(&fds, 2, -1) }
            } catch {
                logger.error("metrics server stops", metadata: ["error": "\(error)"])
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }  // EAGAIN (the client left), EINTR, ECONNABORTED
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            respond(on: connection)
            close(connection)
        }
    }

    private func respond(on connection: Int32) {
        var timeout = timeval(tv_sec: Int(Self.requestTimeout.components.seconds), tv_usec: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let response: HTTPResponse
        switch readRequest(connection) {
        case .stop: return
        case .tooLarge: response = HTTPResponse(status: "431 Request Header Fields Too Large", body: "request too large\n")
        case .incomplete: response = HTTPResponse(status: "400 Bad Request", body: "incomplete request\n")
        case .request(let head): response = answer(head)
        }
        send(response, on: connection)
        discardUnreadInput(connection)
    }

    /// Half-closes and reads what the client still sends (bounded), so closing does not reset
    /// the connection before the client has read the answer (a 431 leaves its request unread).
    private func discardUnreadInput(_ connection: Int32) {
        _ = Glibc.shutdown(connection, Int32(SHUT_WR))
        var discarded = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        while discarded < 1 << 20 {
            var fds = [pollfd(fd: connection, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 1000) > 0, fds[1].revents == 0 else { return }
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            discarded += count
        }
    }

    private enum ReadOutcome {
        case request(String)
        case tooLarge
        case incomplete
        case stop
    }

    /// Reads up to the blank line that ends the request head, within the size and time bounds.
    private func readRequest(_ connection: Int32) -> ReadOutcome {
        let deadline = ContinuousClock.now + Self.requestTimeout
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while true {
            if let end = Self.endOfHead(bytes) { return .request(String(decoding: bytes[..<end], as: UTF8.self)) }
            if bytes.count >= Self.maximumRequestBytes { return .tooLarge }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .incomplete }
            var fds = [pollfd(fd: connection, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard let ready = try? systemCall("poll", { poll(&fds, 2, milliseconds) }) else { return .incomplete }
            if fds[1].revents != 0 { return .stop }
            if ready == 0 { return .incomplete }
            let wanted = min(chunk.count, Self.maximumRequestBytes - bytes.count)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, wanted, 0) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return .incomplete }
            bytes += chunk[..<count]
        }
    }

    /// Where the request head ends (`\r\n\r\n` or a bare `\n\n`), if it has.
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for index in 1..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            if bytes[index - 1] == UInt8(ascii: "\n") { return index - 1 }
            if index >= 3, bytes[index - 1] == UInt8(ascii: "\r"), bytes[index - 2] == UInt8(ascii: "\n"), bytes[index - 3] == UInt8(ascii: "\r") {
                return index - 3
            }
        }
        return nil
    }

    private func answer(_ head: String) -> HTTPResponse {
        // `\r\n` is one Character in Swift, so split on newline characters, not on "\n".
        let requestLine = head.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? ""
        let parts = requestLine.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else {
            return HTTPResponse(status: "400 Bad Request", body: "bad request line\n")
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard method == "GET" || method == "HEAD" else {
            return HTTPResponse(status: "405 Method Not Allowed", extraHeaders: ["Allow: GET, HEAD"], body: "only GET and HEAD\n")
        }
        guard path == "/metrics" else {
            return HTTPResponse(status: "404 Not Found", body: "not found; metrics are at /metrics\n", headOnly: method == "HEAD")
        }
        return HTTPResponse(status: "200 OK", contentType: PrometheusText.contentType, body: registry.render(), headOnly: method == "HEAD")
    }

    private func send(_ response: HTTPResponse, on connection: Int32) {
        let bytes = response.bytes
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return }  // the client left, or the send timed out
                offset += sent
            }
        }
    }

    private static func boundPort(_ fd: Int32) throws(SystemCallError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemCallError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemCallError) in
                try systemCall("getsockname") { getsockname(fd, address, &length) }
            }
        }
        if Int32(storage.ss_family) == AF_INET6 {
            return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in6.self).sin6_port) }
        }
        return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in.self).sin_port) }
    }
}
