import Logging
import RefkitConfig
import RefkitService
import RefkitStore

/// The web UI's server as the daemon runs it: `[web]`'s listener, the token, the policy, the
/// event feed and the app, started and stopped together.
public final class WebServer: Sendable {
    /// Uploads larger than this are refused with 413 before they are read (intake's own limit then applies).
    public static let maximumUploadBytes = 128 << 20

    public let http: HTTPServer
    public let app: WebApp
    let feed: EventFeed
    let stateDir: String

    /// Loads or creates the token, binds the listener (refusing a non-loopback address unless
    /// `allow_remote`), and prepares the feed; serving starts with `run()`.
    /// - Parameter current: the daemon's configuration as it is now (after reloads); `configuration` is the one at start.
    /// - Parameter qaChecks: the daemon's "check a kit again" (`Daemon.webQAChecks()`); nil answers 503 to it.
    public init(
        configuration: Configuration, current: @escaping @Sendable () -> Configuration, database: RefkitDatabase, daemonPID: Int?,
        logger: Logger, qaChecks: WebQAChecks? = nil
    ) throws {
        let web = configuration.web
        if !web.listen.isLoopback, !web.allowRemote {
            throw WebServerError(
                "[web] listen = \"\(web.listen.authority)\" is not a loopback address: set allow_remote = true to serve other machines "
                    + "(the token is still required), or listen on 127.0.0.1")
        }
        let token: WebToken
        do { token = try WebToken.loadOrCreate(at: configuration.web.tokenFile) } catch { throw WebServerError(error.description) }
        let feed = try EventFeed(database: database, logger: logger)
        var limits = HTTPServer.Limits(
            maximumHeadBytes: 16384, maximumBodyBytes: max(Self.maximumUploadBytes, configuration.limits.maxSourceBytes + (1 << 20)))
        limits.headTimeout = .seconds(10)
        let box = AppBox()
        do {
            http = try HTTPServer(host: web.listen.host, port: web.listen.port, limits: limits, label: "web", logger: logger) { request in
                await box.app!.handle(request)
            }
        } catch {
            throw WebServerError(error.description)
        }
        let policy = WebRequestPolicy(web: web, token: token, boundPort: http.port)
        app = WebApp(
            configuration: current, database: database, policy: policy, feed: feed, daemonPID: daemonPID, logger: logger, qaChecks: qaChecks
        )
        box.app = app
        self.feed = feed
        stateDir = configuration.stateDir
    }

    /// "Check again" as the daemon handed it in (its stop waits for the checks running).
    public var qaChecks: WebQAChecks? { app.qaChecks }

    /// `http://HOST:PORT` as bound.
    public var origin: String { http.origin }

    /// Serves, and feeds the event streams, until cancelled or `shutdown()`.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.feed.run(stateDir: self.stateDir) }
            await http.run()
            group.cancelAll()
        }
    }

    /// Stops serving; open event streams end.
    public func shutdown() { http.shutdown() }
}

/// The app, set once after the listener is bound (the policy needs the bound port).
private final class AppBox: @unchecked Sendable {
    // Written once in `WebServer.init` before serving starts, read only after.
    var app: WebApp?
}

/// The web server could not start, and why (the configuration's words).
public struct WebServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
