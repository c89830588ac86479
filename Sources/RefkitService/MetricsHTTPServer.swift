import Foundation
import Logging

/// Serves `GET /metrics` (Prometheus text format) on a loopback address, for a local
/// Prometheus or an authenticating reverse proxy. Other addresses are refused: the metrics
/// name watches and providers, and the daemon has no TLS or authentication of its own.
/// `HTTPServer` with a handler that answers from the request head alone.
public final class MetricsHTTPServer: Sendable {
    /// The address bound (as configured, brackets removed).
    public var host: String { server.host }
    /// The port bound (the kernel's choice when 0 was asked for).
    public var port: UInt16 { server.port }

    /// Requests larger than this (request line plus headers) get 431 and are closed.
    public static let maximumRequestBytes = 8192
    /// A connection that has not sent its request within this time gets 400 and is closed.
    public static let requestTimeout: Duration = .seconds(5)

    private let server: HTTPServer
    private let logger: Logger

    /// Binds `host:port` and listens (so the port is known and taken at once); serving starts
    /// with `run()` or `start()`. Throws when `host` is not a loopback address or the bind fails.
    public init(
        host: String, port: UInt16, registry: MetricsRegistry, logger: Logger = Logger(label: "refkit.service")
    ) throws(MetricsHTTPServerError) {
        let address = try LoopbackAddress(host)
        self.logger = logger
        do {
            server = try HTTPServer(
                host: address.text, port: port,
                limits: .init(maximumHeadBytes: Self.maximumRequestBytes, headTimeout: Self.requestTimeout), label: "metrics",
                logger: logger
            ) { request in Self.answer(request.headText, registry: registry) }
        } catch {
            throw .cannotListen(host: address.text, port: port, error.reason)
        }
    }

    /// `http://HOST:PORT/metrics`.
    public var url: String { server.origin + "/metrics" }

    /// Starts serving in the background (once; later calls, and calls after `shutdown()`, do
    /// nothing).
    public func start() {
        if server.start() { logger.info("serving metrics", metadata: ["url": "\(url)"]) }
    }

    /// Serves until the task is cancelled or `shutdown()` is called.
    public func run() async {
        start()
        await server.run()
    }

    /// Stops serving and closes the listening socket (at once when serving never started).
    public func shutdown() { server.shutdown() }

    /// Stops serving and waits until it has ended.
    public func stop() async { await server.stop() }

    /// Where the request head ends, if it has (`HTTPServer.endOfHead`).
    static func endOfHead(_ bytes: [UInt8]) -> Int? { HTTPServer.endOfHead(bytes)?.end }
}
