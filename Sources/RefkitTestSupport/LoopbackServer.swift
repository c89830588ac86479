import FlyingFox
import Foundation
import RefkitSystem
import Synchronization

/// A real HTTP server on 127.0.0.1 (a free port) for tests: register routes with closures,
/// send requests to `baseURL`, then assert on `requests`, the log of what arrived.
///
/// ```swift
/// let server = try await LoopbackServer.start()
/// defer { Task { await server.stop() } }   // or `await server.stop()` at the end
/// server.route("POST", "/v1/generate") { request in .json(#"{"ok":true}"#) }
/// ... send to server.baseURL + "/v1/generate" ...
/// #expect(server.requests.first?.header("authorization") == "Bearer test")
/// ```
public final class LoopbackServer: Sendable {
    /// One request as the server received it.
    public struct Request: Sendable {
        public var method: String
        /// The path without the query string.
        public var path: String
        /// The raw query string without "?" ("" when absent).
        public var query: String
        /// Names lowercased.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The first header of that name (case-insensitive).
        public func header(_ name: String) -> String? {
            let lowered = name.lowercased()
            return headers.first { $0.name == lowered }?.value
        }

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    /// What a route answers.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public static func text(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers, body: Array(text.utf8))
        }

        public static func json(_ json: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
        }

        public static func bytes(_ bytes: [UInt8], contentType: String = "application/octet-stream", status: Int = 200) -> Response {
            Response(status: status, headers: [("Content-Type", contentType)], body: bytes)
        }

        /// A redirect to `location` (absolute, or a path on this server).
        public static func redirect(to location: String, status: Int = 302) -> Response {
            Response(status: status, headers: [("Location", location)])
        }
    }

    public typealias Handler = @Sendable (Request) async throws -> Response

    private struct Route {
        var method: String?
        var path: String
        var handler: Handler

        func matches(_ request: Request) -> Bool {
            if let method, method != request.method { return false }
            if path.hasSuffix("*") { return request.path.hasPrefix(path.dropLast()) }
            return path == request.path
        }
    }

    private struct State {
        var routes: [Route] = []
        var requests: [Request] = []
    }

    /// Shared by the server object and the dispatcher the FlyingFox server calls.
    private final class Store: Sendable {
        let state = Mutex(State())
    }

    private let server: HTTPServer
    private let task: Task<Void, any Error>
    private let store: Store
    /// The port the server listens on.
    public let port: UInt16

    /// "http://127.0.0.1:PORT" (no trailing slash).
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a server on 127.0.0.1 with a free port and returns once it is listening.
    public static func start() async throws -> LoopbackServer {
        let store = Store()
        let dispatcher = Dispatcher(store: store)
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled, handler: dispatcher)
        let task = Task(executorPreference: DispatchTaskExecutor.fakeServers) { try await server.run() }
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            task.cancel()
            throw error
        }
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            task.cancel()
            throw LoopbackServerError("the server did not report its port")
        }
        disableNagle(onListenerAt: port)
        return LoopbackServer(server: server, task: task, store: store, port: port)
    }

    /// FlyingFox leaves Nagle's algorithm on, so the last partial segment of a reply waits for
    /// the client's delayed ACK (about 40 ms on Linux) and every request looked 40 ms slower
    /// than the server made it. Real provider front ends send without that delay. FlyingFox
    /// does not expose its listening socket, so find it by its port among our descriptors and
    /// set TCP_NODELAY there: Linux copies it to every accepted connection.
    private static func disableNagle(onListenerAt port: UInt16) {
        guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in fds {
            guard let fd = Int32(name) else { continue }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0, address.sin_family == sa_family_t(AF_INET), UInt16(bigEndian: address.sin_port) == port else { continue }
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    private init(server: HTTPServer, task: Task<Void, any Error>, store: Store, port: UInt16) {
        self.server = server
        self.task = task
        self.store = store
        self.port = port
    }

    /// Answers requests whose method (nil: any) and path match; a path ending in "*" matches
    /// by prefix. Later registrations for the same route take precedence.
    public func route(_ method: String? = nil, _ path: String, handler: @escaping Handler) {
        store.state.withLock { $0.routes.insert(Route(method: method?.uppercased(), path: path, handler: handler), at: 0) }
    }

    /// Every request received so far, oldest first (unrouted ones included; they got a 404).
    public var requests: [Request] { store.state.withLock { $0.requests } }

    /// Requests received for one path.
    public func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }

    /// Forgets the request log.
    public func clearRequests() { store.state.withLock { $0.requests.removeAll() } }

    /// Closes the listening socket and open connections.
    public func stop() async {
        await server.stop(timeout: 0)
        task.cancel()
        _ = await task.result
    }

    private struct Dispatcher: HTTPHandler {
        let store: Store

        func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
            let body = [UInt8](try await request.bodyData)
            var headers: [(name: String, value: String)] = []
            for (name, value) in request.headers { headers.append((name: name.rawValue.lowercased(), value: value)) }
            let query = request.query.map { item in item.value.isEmpty ? item.name : "\(item.name)=\(item.value)" }
                .joined(separator: "&")
            let recorded = Request(
                method: request.method.rawValue.uppercased(), path: request.path, query: query, headers: headers, body: body)
            let handler = store.state.withLock { state -> Handler? in
                state.requests.append(recorded)
                return state.routes.first { $0.matches(recorded) }?.handler
            }
            guard let handler else {
                return FlyingFox.HTTPResponse(statusCode: .notFound)
            }
            let response = try await handler(recorded)
            var outHeaders = HTTPHeaders()
            for header in response.headers { outHeaders.addValue(header.value, for: HTTPHeader(header.name)) }
            return FlyingFox.HTTPResponse(
                statusCode: HTTPStatusCode(response.status, phrase: Self.phrase(response.status)),
                headers: outHeaders, body: Data(response.body))
        }

        static func phrase(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 201: "Created"
            case 204: "No Content"
            case 301: "Moved Permanently"
            case 302: "Found"
            case 303: "See Other"
            case 307: "Temporary Redirect"
            case 308: "Permanent Redirect"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 429: "Too Many Requests"
            case 500: "Internal Server Error"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            default: "Status"
            }
        }
    }
}

/// The loopback server could not start.
public struct LoopbackServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
