import FlyingSocks
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
/// A minimal HTTP/1.0 responder on FlyingFox's socket layer (FlyingSocks: non-blocking sockets
/// on an epoll pool, tasks on `DispatchTaskExecutor`): one request per connection, the head
/// bounded in size and time, the answer closed after sending. FlyingFox's own `HTTPServer` is not used: it
/// has no limit on a request head and reads a header line in time quadratic in its length
/// (a 9 KB header took 8 s in a debug build), where this server must answer 431 at 8 KiB.
public final class MetricsHTTPServer: Sendable {
    /// The address bound (as configured, brackets removed).
    public let host: String
    /// The port bound (the kernel's choice when 0 was asked for).
    public let port: UInt16

    /// Requests larger than this (request line plus headers) get 431 and are closed.
    public static let maximumRequestBytes = 8192
    /// A connection that has not sent its request within this time gets 400 and is closed.
    public static let requestTimeout: Duration = .seconds(5)

    /// Where connections are served, off the cooperative pool that blocking work can fill.
    private static let executor = DispatchTaskExecutor(label: "refkit.metrics-http")

    private let registry: MetricsRegistry
    private let logger: Logger
    private let listener: Socket
    private let state = Mutex(State())

    private struct State {
        var serving: Task<Void, Never>?
        var stopped = false
        var listenerClosed = false
    }

    /// Binds `host:port` and listens (so the port is known and taken at once); serving starts
    /// with `run()` or `start()`. Throws when `host` is not a loopback address or the bind fails.
    public init(
        host: String, port: UInt16, registry: MetricsRegistry, logger: Logger = Logger(label: "refkit.service")
    ) throws(MetricsHTTPServerError) {
        let address = try LoopbackAddress(host)
        self.host = address.text
        self.registry = registry
        self.logger = logger
        do {
            let socket = try Socket(domain: address.isIPv6 ? AF_INET6 : AF_INET, type: .stream)
            do {
                _ = fcntl(socket.file.rawValue, F_SETFD, FD_CLOEXEC)
                try socket.setValue(true, for: .localAddressReuse)
                if address.isIPv6 {
                    try socket.bind(to: sockaddr_in6.inet6(ip6: address.text, port: port))
                } else {
                    try socket.bind(to: sockaddr_in.inet(ip4: address.text, port: port))
                }
                try socket.listen(maxPendingConnection: 16)
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
            throw .cannotListen(host: address.text, port: port, reason)
        }
    }

    deinit {
        closeListener()
    }

    /// `http://HOST:PORT/metrics`.
    public var url: String {
        host.contains(":") ? "http://[\(host)]:\(port)/metrics" : "http://\(host):\(port)/metrics"
    }

    /// Starts serving in the background (once; later calls, and calls after `shutdown()`, do
    /// nothing).
    public func start() {
        let begin = state.withLock { state in
            guard state.serving == nil, !state.stopped else { return false }
            state.serving = Task(executorPreference: Self.executor) { await self.serve() }
            return true
        }
        if begin { logger.info("serving metrics", metadata: ["url": "\(url)"]) }
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

    /// Stops serving and closes the listening socket (at once when serving never started).
    public func shutdown() {
        let serving = state.withLock { state in
            state.stopped = true
            return state.serving
        }
        if let serving { serving.cancel() } else { closeListener() }
    }

    private func closeListener() {
        let close = state.withLock { state in
            defer { state.listenerClosed = true }
            return !state.listenerClosed
        }
        if close { try? listener.close() }
    }

    // MARK: - Serving

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
            if !Task.isCancelled { logger.error("metrics server stops", metadata: ["error": "\(error)"]) }
        }
        closeListener()
    }

    private func respond(on connection: AsyncSocket) async {
        defer { try? connection.close() }
        let response: HTTPResponse
        switch await readRequest(connection) {
        case .stop: return
        case .tooLarge: response = HTTPResponse(status: "431 Request Header Fields Too Large", body: "request too large\n")
        case .incomplete: response = HTTPResponse(status: "400 Bad Request", body: "incomplete request\n")
        case .request(let head): response = Self.answer(head, registry: registry)
        }
        let sent = await within(Self.requestTimeout) {
            try await connection.write(Data(response.bytes))
            return true
        }
        if sent == true { await discardUnreadInput(connection) }
    }

    private enum ReadOutcome: Sendable {
        case request(String)
        case tooLarge
        case incomplete
        case stop
    }

    /// Reads up to the blank line that ends the request head, within the size and time bounds.
    private func readRequest(_ connection: AsyncSocket) async -> ReadOutcome {
        let outcome = await within(Self.requestTimeout) { () async throws -> ReadOutcome in
            var bytes: [UInt8] = []
            while true {
                if let end = Self.endOfHead(bytes) { return .request(String(decoding: bytes[..<end], as: UTF8.self)) }
                if bytes.count >= Self.maximumRequestBytes { return .tooLarge }
                do {
                    bytes += try await connection.read(atMost: Self.maximumRequestBytes - bytes.count)
                } catch SocketError.disconnected {
                    return .incomplete
                }
            }
        }
        if Task.isCancelled { return .stop }
        return outcome ?? .incomplete
    }

    /// Half-closes and reads what the client still sends (bounded), so closing does not reset
    /// the connection before the client has read the answer (a 431 leaves its request unread).
    private func discardUnreadInput(_ connection: AsyncSocket) async {
        _ = Glibc.shutdown(connection.socket.file.rawValue, Int32(SHUT_WR))
        _ = await within(.seconds(1)) {
            var discarded = 0
            while discarded < 1 << 20 { discarded += try await connection.read(atMost: 4096).count }
            return true
        }
    }

    /// `body`'s result, or nil when it throws (the client left, the server stops) or takes
    /// longer than `limit` (it is cancelled then).
    private func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { try? await body() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
    }
}
