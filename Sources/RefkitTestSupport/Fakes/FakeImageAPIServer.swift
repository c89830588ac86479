import FlyingFox
import Foundation
import RefkitCore
import RefkitSystem
import Synchronization

/// A FlyingFox server on 127.0.0.1 with an OS-chosen port that hands every request to one
/// handler, for the image API fakes (Gemini, OpenAI).
final class FakeImageAPIServer: Sendable {
    struct Call: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        /// Names lowercased.
        var headers: [String: String]
        var body: [UInt8]
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        /// `reply` with the string `marker` in its JSON body replaced by `count` letters "A": an oversized answer built
        /// without serialising megabytes a character at a time, which under a loaded CI outlasted the client's timeout.
        func padded(replacing marker: String, with count: Int) -> Reply {
            let needle = Array(marker.utf8)
            guard let start = body.indices.first(where: { body[$0...].starts(with: needle) }) else { return self }
            var padded = self
            padded.body.replaceSubrange(start..<start + needle.count, with: repeatElement(UInt8(ascii: "A"), count: max(0, count)))
            return padded
        }
    }

    let baseURL: String
    private let server: HTTPServer
    private let task: Task<Void, Never>

    private init(baseURL: String, server: HTTPServer, task: Task<Void, Never>) {
        self.baseURL = baseURL
        self.server = server
        self.task = task
    }

    static func start(_ handle: @escaping @Sendable (Call) async -> Reply) async throws -> FakeImageAPIServer {
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60, logger: .disabled,
            handler: ClosureHTTPHandler { request in
                let body = Array((try? await request.bodyData) ?? Data())
                var headers: [String: String] = [:]
                for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
                var query: [String: String] = [:]
                for item in request.query { query[item.name] = item.value }
                let reply = await handle(
                    Call(method: request.method.rawValue, path: request.path, query: query, headers: headers, body: body))
                var responseHeaders = HTTPHeaders()
                for (name, value) in reply.headers { responseHeaders[HTTPHeader(name)] = value }
                return HTTPResponse(
                    statusCode: HTTPStatusCode(reply.status, phrase: phrase(reply.status)), headers: responseHeaders, body: Data(reply.body)
                )
            })
        let task = Task(executorPreference: DispatchTaskExecutor.fakeServers) { _ = try? await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            task.cancel()
            throw FixtureError("the fake server has no IPv4 address")
        }
        return FakeImageAPIServer(baseURL: "http://127.0.0.1:\(port)", server: server, task: task)
    }

    func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}
