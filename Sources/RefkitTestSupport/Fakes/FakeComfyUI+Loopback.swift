import FlyingFox
import Foundation
import RefkitCore
import RefkitSystem
import Synchronization

extension FakeComfyUI {
    /// A FlyingFox server on 127.0.0.1 that hands every request to one synchronous handler
    /// (the fake keeps its state under a lock).
    final class Loopback: Sendable {
        let baseURL: String
        let port: UInt16
        private let server: HTTPServer
        private let task: Task<Void, Never>

        private init(port: UInt16, server: HTTPServer, task: Task<Void, Never>) {
            self.baseURL = "http://127.0.0.1:\(port)"
            self.port = port
            self.server = server
            self.task = task
        }

        static func start(port: UInt16, _ handle: @escaping @Sendable (Call) -> Reply) async throws -> Loopback {
            let server = HTTPServer(
                address: try .inet(ip4: "127.0.0.1", port: port), timeout: 60, logger: .disabled,
                handler: ClosureHTTPHandler { request in
                    let body = Array((try? await request.bodyData) ?? Data())
                    var headers: [String: String] = [:]
                    for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
                    var query: [String: String] = [:]
                    for item in request.query { query[item.name] = item.value }
                    let reply = handle(
                        Call(method: request.method.rawValue, path: request.path, query: query, headers: headers, body: body))
                    var responseHeaders = HTTPHeaders()
                    for (name, value) in reply.headers { responseHeaders[HTTPHeader(name)] = value }
                    return HTTPResponse(
                        statusCode: HTTPStatusCode(reply.status, phrase: "Status"), headers: responseHeaders, body: Data(reply.body))
                })
            let task = Task(executorPreference: DispatchTaskExecutor.fakeServers) { _ = try? await server.run() }
            try await server.waitUntilListening(timeout: 10)
            guard case .ip4(_, let bound)? = await server.listeningAddress else {
                task.cancel()
                throw FixtureError("the fake ComfyUI server has no IPv4 address")
            }
            return Loopback(port: bound, server: server, task: task)
        }

        func stop() async {
            await server.stop(timeout: 1)
            task.cancel()
        }
    }
}
