import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitService
import RefkitStore

/// The web UI and JSON API: every request passes `WebRequestPolicy` (token, Host, Origin), is
/// routed by `WebRoute`, and is answered through the same store transactions the CLI runs, so a
/// button and a command do the same thing. Pages render from stored state; live events only patch them.
public final class WebApp: Sendable {
    /// The daemon's configuration now (watches change on SIGHUP; the listener and token do not).
    let currentConfiguration: @Sendable () -> Configuration
    var configuration: Configuration { currentConfiguration() }
    let database: RefkitDatabase
    let policy: WebRequestPolicy
    let feed: EventFeed
    let logger: Logger
    /// The daemon's process id, for the status document.
    let daemonPID: Int?
    /// "Check again" (`refkit qa` in the daemon); nil without a daemon behind the server.
    let qaChecks: WebQAChecks?

    public init(
        configuration: @escaping @Sendable () -> Configuration, database: RefkitDatabase, policy: WebRequestPolicy, feed: EventFeed,
        daemonPID: Int?, logger: Logger, qaChecks: WebQAChecks? = nil
    ) {
        self.currentConfiguration = configuration
        self.database = database
        self.policy = policy
        self.feed = feed
        self.daemonPID = daemonPID
        self.logger = logger
        self.qaChecks = qaChecks
    }

    /// Open event streams and long polls (benchmarks, tests).
    public var feedSubscribers: Int { feed.subscriberCount }

    /// The answer to one request, with the policy's headers on every answer.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let head = WebRequestHead(
            method: request.method, target: request.target, headers: request.headers.map { WebHeader($0.name, $0.value) })
        let api = request.path.hasPrefix("/api/")
        var response: HTTPResponse
        switch policy.decide(head) {
        case .deny(let status, let reason):
            response = Self.refusal(status: status, code: Self.denialCode(status), message: reason, api: api)
        case .respond(let status, let headers):
            response = HTTPResponse(status: Self.statusLine(status), body: "")
            response.extraHeaders = headers.map { "\($0.name): \($0.value)" }
            return finished(response, request: request)
        case .allow:
            response = await route(request, api: api)
        }
        response.extraHeaders += WebRequestPolicy.responseHeaders(forPath: request.path).map { "\($0.name): \($0.value)" }
        return finished(response, request: request)
    }

    private func finished(_ response: HTTPResponse, request: HTTPRequest) -> HTTPResponse {
        var response = response
        response.version = "HTTP/1.1"
        response.headOnly = request.method.uppercased() == "HEAD"
        if response.code >= 500 || response.code == 403 {
            logger.warning(
                "web request refused", metadata: ["method": "\(request.method)", "path": "\(request.path)", "status": "\(response.code)"])
        }
        return response
    }

    private func route(_ request: HTTPRequest, api: Bool) async -> HTTPResponse {
        switch WebRoute.match(method: request.method, path: request.path) {
        case .failure(.notFound):
            return Self.refusal(status: 404, code: "not_found", message: "no page or API endpoint at \(request.path)", api: api)
        case .failure(.method(let allowed)):
            var refusal = Self.refusal(
                status: 405, code: "method_not_allowed", message: "\(request.path) takes \(allowed.joined(separator: ", "))", api: api)
            refusal.extraHeaders.append("Allow: \(allowed.joined(separator: ", "))")
            return refusal
        case .success(let route):
            do {
                return try await answer(route, request)
            } catch let error as WebProblem {
                return Self.refusal(status: error.status, code: error.code, message: error.message, api: route.isAPI)
            } catch let error as RefkitError {
                return Self.refusal(status: Self.status(of: error), code: error.code.rawValue, message: error.message, api: route.isAPI)
            } catch {
                logger.error("web request failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
                return Self.refusal(status: 500, code: "internal_error", message: "\(error)", api: route.isAPI)
            }
        }
    }

    private func answer(_ route: WebRoute, _ request: HTTPRequest) async throws -> HTTPResponse {
        switch route {
        case .status: return Self.json(200, try statusDocument())
        case .kits: return Self.json(200, try kitList(WebForm(request.query)))
        case .kit(let id): return Self.json(200, try kitDetail(id))
        case .select(let id): return Self.json(200, try select(id, try WebJSONBody(request)))
        case .regenerate(let id): return Self.json(200, try regenerate(id, try WebJSONBody(request)))
        case .retry(let id): return Self.json(200, try retry(id))
        case .delete(let id): return Self.json(200, try delete(id))
        case .orders: return Self.json(202, try upload(request))
        case .images(let id): return Self.json(202, try makeImages(id, try WebJSONBody(request)))
        case .formImages(let id): return try imagesForm(id, request)
        case .qa(let id): return Self.json(202, try checkAgain(id, try WebJSONBody(request)))
        case .formQA(let id): return try qaForm(id, request)
        case .events: return events(request)
        case .hooks(let route): return try hooks(route, request)
        case .file(let path): return try file(path)
        case .asset(let name): return try asset(name)
        case .listPage, .kitPage, .selectionPage, .uploadPage, .formSelect, .formRegenerate, .formRetry, .formDelete, .formUpload:
            return try page(route, request)
        }
    }
}
