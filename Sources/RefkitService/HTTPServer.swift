import FlyingSocks
import Foundation
import Logging
import RefkitSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.x server on FlyingFox's socket layer (FlyingSocks: non-blocking sockets on an
/// epoll pool), for `/metrics` and the web UI: one request per connection, the head bounded in
/// size and time, a body only with `Content-Length` and bounded too, the answer closed after
/// sending (or streamed until the handler returns, for Server-Sent Events).
///
/// FlyingFox's own `HTTPServer` is not used: it has no limit on a request head and reads a header
/// line in time quadratic in its length (a 9 KB header took 8 s in a debug build), before any
/// check of who is asking; this server answers 431 at `maximumHeadBytes`.
public final class HTTPServer: Sendable {
    /// The bounds a connection is held to.
    public struct Limits: Sendable {
        /// Request heads (request line plus headers) larger than this get 431.
        public var maximumHeadBytes = 8192
        /// Request bodies larger than this get 413.
        public var maximumBodyBytes = 0
        /// A connection that has not sent its head within this time gets 400.
        public var headTimeout: Duration = .seconds(5)
        /// A body not received within this time gets 400; a fixed answer not taken within it is dropped.
        public var bodyTimeout: Duration = .seconds(60)

        public init(maximumHeadBytes: Int = 8192, maximumBodyBytes: Int = 0, headTimeout: Duration = .seconds(5)) {
            self.maximumHeadBytes = maximumHeadBytes
            self.maximumBodyBytes = maximumBodyBytes
            self.headTimeout = headTimeout
        }
    }

    /// The address bound (brackets removed).
    public let host: String
    /// The port bound (the kernel's choice when 0 was asked for).
    public let port: UInt16
    public let limits: Limits

    private let label: String
    private let executor: DispatchTaskExecutor
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse
    private let logger: Logger
    private let listener: Socket
    private let state = Mutex(State())

    private struct State {
        var serving: Task<Void, Never>?
        var stopped = false
        var listenerClosed = false
    }

    /// Binds `host:port` (an IPv4 or IPv6 literal, `localhost` as 127.0.0.1) and listens, so the
    /// port is known and taken at once; serving starts with `run()` or `start()`.
    /// - Throws: `HTTPListenError` when the host is not an address literal or the bind fails.
    public init(
        host: String, port: UInt16, limits: Limits = Limits(), label: String, logger: Logger,
        handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse
    ) throws(HTTPListenError) {
        var name = host.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { name = "127.0.0.1" }
        var v4 = in_addr()
        var v6 = in6_addr()
        let isIPv6: Bool
        if inet_pton(AF_INET, name, &v4) == 1 {
            isIPv6 = false
        } else if inet_pton(AF_INET6, name, &v6) == 1 {
            isIPv6 = true
        } else {
            throw HTTPListenError(host: host, port: port, reason: "not an IP address literal or localhost")
        }
        self.host = name
        self.limits = limits
        self.label = label
        self.handler = handler
        self.logger = logger
        executor = DispatchTaskExecutor(label: "refkit.\(label)-http")
        do {
            let socket = try Socket(domain: isIPv6 ? AF_INET6 : AF_INET, type: .stream)
            do {
                _ = fcntl(socket.file.rawValue, F_SETFD, FD_CLOEXEC)
                try socket.setValue(true, for: .localAddressReuse)
                if isIPv6 {
                    try socket.bind(to: sockaddr_in6.inet6(ip6: name, port: port))
                } else {
                    try socket.bind(to: sockaddr_in.inet(ip4: name, port: port))
                }
                try socket.listen(maxPendingConnection: 64)
                switch try socket.sockname() {
                case .ip4(_, let bound), .ip6(_, let bound): self.port = bound
                case .unix: throw SocketError.unsupportedAddress
                }
            } catch {
                try? socket.close()
                throw error
            }
            listener = socket
        } catch {
            // Worded as a failed system call elsewhere in refkit: "bind failed: Address already in use (errno 98)".
            let reason =
                switch error as? SocketError {
                case .failed(let call, let errno, let message)?: "\(call.lowercased()) failed: \(message) (errno \(errno))"
                default: "\(error)"
                }
            throw HTTPListenError(host: name, port: port, reason: reason)
        }
    }

    deinit {
        closeListener()
    }

    /// `http://HOST:PORT` (IPv6 in brackets).
    public var origin: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }

    /// Starts serving in the background (once; later calls, and calls after `shutdown()`, do nothing).
    /// Returns whether this call started it.
    @discardableResult
    public func start() -> Bool {
        state.withLock { state in
            guard state.serving == nil, !state.stopped else { return false }
            state.serving = Task(executorPreference: executor) { await self.serve() }
            return true
        }
    }

    /// Serves until the task is cancelled or `shutdown()` is called.
    public func run() async {
        start()
        guard let serving = state.withLock({ $0.serving }) else { return }
        await withTaskCancellationHandler {
            await serving.value
        } onCancel: {
            serving.cancel()
        }
    }

    /// Stops serving (streams end too) and closes the listening socket.
    public func shutdown() {
        let serving = state.withLock { state in
            state.stopped = true
            return state.serving
        }
        if let serving { serving.cancel() } else { closeListener() }
    }

    /// `shutdown()`, then waits until serving has ended (its socket pool's thread too): what a
    /// caller about to exit the process must await.
    public func stop() async {
        shutdown()
        if let serving = state.withLock({ $0.serving }) { await serving.value }
    }

    private func closeListener() {
        let close = state.withLock { state in
            defer { state.listenerClosed = true }
            return !state.listenerClosed
        }
        if close { try? listener.close() }
    }

    /// Accepts connections and answers each in a child task until cancelled.
    private func serve() async {
        let pool: some AsyncSocketPool = .ePoll()
        do {
            try await pool.prepare()
            let accepting = try AsyncSocket(socket: listener, pool: pool)
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await pool.run() }
                for try await connection in accepting.sockets {
                    _ = fcntl(connection.socket.file.rawValue, F_SETFD, FD_CLOEXEC)
                    group.addTask { await self.respond(on: connection) }
                }
                group.cancelAll()
            }
        } catch {
            if !Task.isCancelled { logger.error("\(label) server stops", metadata: ["error": "\(error)"]) }
        }
        closeListener()
    }
}

/// The server could not listen: the address is not one, or the socket, bind or listen failed.
public struct HTTPListenError: Error, Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var reason: String

    public var description: String { "cannot listen on \(host) port \(port): \(reason)" }
}
