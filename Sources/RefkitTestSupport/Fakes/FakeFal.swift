import Foundation
import RefkitCore
import Synchronization

/// fal.ai's queue API on 127.0.0.1 (an OS-chosen port), speaking the real wire protocol:
/// `POST /{app}[/{subpath}]` submits and answers `request_id` plus `status_url`,
/// `response_url` and `cancel_url` built from the owner/alias only (the subpath is dropped, as
/// fal does); `GET …/requests/{id}/status` steps through `statusSequence`; `GET …/requests/{id}`
/// serves the output once COMPLETED; `PUT …/requests/{id}/cancel` cancels a queued request.
/// `POST /sync/{app}` is the blocking `fal.run` API (`syncBaseURL`). Generated images are served
/// from `/files/NAME` without auth, as fal's CDN does. Every request is recorded; scripted
/// replies (`script`) replace the normal answer of a route, first in first out.
public final class FakeFal: ScriptedFake {
    /// The routes of the fake, for scripting and counting.
    public enum Route: String, Sendable {
        case submit, status, result, cancel, sync, file, unknown
    }

    /// The base URL of the queue API (`http://127.0.0.1:PORT`), the provider's `base_url`.
    public let baseURL: String
    /// The base URL of the blocking API (fal.run), for `mode = "sync"`.
    public var syncBaseURL: String { baseURL + "/sync" }
    /// The key the fake accepts (`Authorization: Key <key>`).
    public let key: String
    /// The PNG the default output points at (`{base}/files/result.png`).
    public let resultImage: [UInt8]

    public var record: FakeRecord<Route> { core.record }
    private let core: Core
    private let loopback: Loopback

    private init(key: String, resultImage: [UInt8], core: Core, loopback: Loopback) {
        self.key = key
        self.resultImage = resultImage
        self.core = core
        self.loopback = loopback
        self.baseURL = loopback.baseURL
    }

    /// Starts a fake; `resultImage` defaults to a small synthetic PNG.
    public static func start(key: String = "fal-test-key-0123456789", resultImage: [UInt8]? = nil) async throws -> FakeFal {
        let image = try resultImage ?? ImageFixtures.png(seed: 77, width: 40, height: 30)
        let core = Core(key: key)
        let loopback = try await Loopback.start { call in core.handle(call) }
        core.state.withLock { $0.baseURL = loopback.baseURL }
        core.record.host("result.png", bytes: image, contentType: "image/png")
        return FakeFal(key: key, resultImage: image, core: core, loopback: loopback)
    }

    /// Runs `body` with a started fake and stops it afterwards.
    public static func with<T>(
        key: String = "fal-test-key-0123456789", resultImage: [UInt8]? = nil, _ body: (FakeFal) async throws -> T
    ) async throws -> T {
        try await running(start(key: key, resultImage: resultImage), body)
    }

    public func stop() async { await loopback.stop() }

    // MARK: Scripting (`script` and `host` come from ScriptedFake)

    /// The statuses successive polls of one request report; the last one repeats.
    /// Default: IN_QUEUE, IN_PROGRESS, COMPLETED.
    public func setStatusSequence(_ statuses: [String]) {
        precondition(!statuses.isEmpty)
        core.state.withLock { $0.statusSequence = statuses }
    }

    /// The output JSON the result (and the sync API) answers; `{base}` is replaced by `baseURL`.
    /// Default: `{"images":[{"url":"{base}/files/result.png",…}],"has_nsfw_concepts":[false],…}`.
    public func setOutput(_ template: String) {
        core.state.withLock { $0.outputTemplate = template }
    }

    // MARK: - The server's behaviour

    private struct Job {
        var ownerAlias: String
        var input: RefkitCore.JSONValue
        var polls = 0
        var completed = false
        var cancelled = false
    }

    private struct State {
        var baseURL = ""
        var statusSequence = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
        var outputTemplate: String?
        var jobs: [String: Job] = [:]
    }

    private final class Core: Sendable {
        let key: String
        let state = Mutex(State())
        let record = FakeRecord<Route>()

        init(key: String) { self.key = key }

        func handle(_ call: Call) -> Reply {
            let parts = call.path.split(separator: "/").map(String.init)
            let route = Self.route(method: call.method, parts: parts)
            return state.withLock { state in
                record.receive(call, as: route)
                if route == .file { return record.serveFile(parts, route: .file, notFound: .json(404, #"{"detail":"Not Found"}"#)) }
                guard call.header("authorization") == "Key \(key)" else { return .json(401, #"{"detail":"Unauthorized"}"#) }
                if let reply = record.takeScripted(route) { return reply }
                switch route {
                case .submit: return submit(call, parts: parts, state: &state)
                case .sync:
                    switch validatedInput(call) {
                    case .rejected(let reply): return reply
                    case .input(let input): return .json(200, output(for: input, state: state))
                    }
                case .status, .result, .cancel:
                    let id = parts[3]
                    guard var job = state.jobs[id], job.ownerAlias == "\(parts[0])/\(parts[1])" else {
                        return .json(404, #"{"detail":"Request not found"}"#)
                    }
                    defer { state.jobs[id] = job }
                    return answer(route, id: id, job: &job, state: state)
                case .file, .unknown: return .json(404, #"{"detail":"Not Found"}"#)
                }
            }
        }

        static func route(method: String, parts: [String]) -> Route {
            if method == "GET", parts.first == "files" { return .file }
            if method == "POST", parts.first == "sync", parts.count >= 3 { return .sync }
            if let r = parts.firstIndex(of: "requests") {
                // Only owner/alias/requests/ID[/status|/cancel]: a URL rebuilt from an app id
                // with its subpath (owner/alias/kontext/requests/…) is unknown, as at fal.
                guard r == 2 else { return .unknown }
                switch (method, parts.count, parts.last) {
                case ("GET", 4, _): return .result
                case ("GET", 5, "status"): return .status
                case ("PUT", 5, "cancel"): return .cancel
                default: return .unknown
                }
            }
            return method == "POST" && parts.count >= 2 ? .submit : .unknown
        }

        func submit(_ call: Call, parts: [String], state: inout State) -> Reply {
            let input: RefkitCore.JSONValue
            switch validatedInput(call) {
            case .rejected(let reply): return reply
            case .input(let value): input = value
            }
            let id = UUID().uuidString.lowercased()
            let ownerAlias = "\(parts[0])/\(parts[1])"
            state.jobs[id] = Job(ownerAlias: ownerAlias, input: input)
            let base = "\(state.baseURL)/\(ownerAlias)/requests/\(id)"
            return .json(
                200,
                #"{"request_id":"\#(id)","status":"IN_QUEUE","queue_position":0,"response_url":"\#(base)","status_url":"\#(base)/status","#
                    + #""cancel_url":"\#(base)/cancel"}"#
            )
        }

        func answer(_ route: Route, id: String, job: inout Job, state: State) -> Reply {
            let base = "\(state.baseURL)/\(job.ownerAlias)/requests/\(id)"
            switch route {
            case .status:
                if job.cancelled { return .json(200, #"{"status":"CANCELLED","request_id":"\#(id)"}"#) }
                let status = state.statusSequence[min(job.polls, state.statusSequence.count - 1)]
                job.polls += 1
                if status == "COMPLETED" { job.completed = true }
                let position = status == "IN_QUEUE" ? #","queue_position":0"# : ""
                let logs =
                    status == "IN_QUEUE"
                    ? "" : #","logs":[{"message":"step","level":"INFO","source":"USER","timestamp":"2025-01-01T00:00:00Z"}]"#
                let metrics = status == "COMPLETED" ? #","metrics":{"inference_time":1.9}"# : ""
                // 202 while waiting, 200 when done: clients must accept any 2xx.
                return .json(
                    status == "COMPLETED" ? 200 : 202,
                    #"{"status":"\#(status)","request_id":"\#(id)"\#(position)\#(logs)\#(metrics),"response_url":"\#(base)","#
                        + #""status_url":"\#(base)/status","cancel_url":"\#(base)/cancel"}"#
                )
            case .result:
                guard job.completed else { return .json(400, #"{"detail":"Request is still in progress"}"#) }
                return .json(200, output(for: job.input, state: state))
            case .cancel:
                guard job.polls == 0, !job.completed else { return .json(400, #"{"status":"ALREADY_COMPLETED"}"#) }
                job.cancelled = true
                return .json(202, #"{"status":"CANCELLATION_REQUESTED"}"#)
            default:
                return .json(404, #"{"detail":"Not Found"}"#)
            }
        }

        /// The body as a JSON object whose data URIs all decode; a 422 in fal's shape otherwise.
        func validatedInput(_ call: Call) -> Validated {
            guard let input = call.json, case .object(let members) = input else {
                return .rejected(
                    .json(422, #"{"detail":[{"loc":["body"],"msg":"Input should be a valid dictionary","type":"dict_type"}]}"#))
            }
            for (key, value) in members {
                let strings: [String] =
                    switch value {
                    case .string(let s): [s]
                    case .array(let items): items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                    default: []
                    }
                for s in strings where s.hasPrefix("data:") && DataURI.decode(s) == nil {
                    return .rejected(.json(422, #"{"detail":[{"loc":["body","\#(key)"],"msg":"Invalid data URI","type":"value_error"}]}"#))
                }
            }
            return .input(input)
        }

        func output(for input: RefkitCore.JSONValue, state: State) -> String {
            if let template = state.outputTemplate { return template.replacingOccurrences(of: "{base}", with: state.baseURL) }
            let size = record.file("result.png")?.bytes.count ?? 0
            var prompt = ""
            if case .string(let p)? = input["prompt"] { RefkitCore.JSONValue.quote(p, into: &prompt) } else { prompt = "\"\"" }
            return
                #"{"images":[{"url":"\#(state.baseURL)/files/result.png","width":40,"height":30,"content_type":"image/png","#
                + #""file_name":"result.png","file_size":\#(size)}],"timings":{"inference":1.9},"seed":42,"#
                + #""has_nsfw_concepts":[false],"prompt":\#(prompt)}"#
        }
    }
}

// MARK: - Shared by the provider fakes

extension FakeFal {
    /// One request as a fake received it.
    public struct Call: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        /// Names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]

        public func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// The body as JSON, when it is JSON.
        public var json: RefkitCore.JSONValue? { try? RefkitCore.JSONValue.parse(body) }
    }

    /// A scripted answer: status, headers, body and an optional delay before it is sent.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        public var delay: Duration

        public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], delay: Duration = .zero) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        /// A JSON body (`application/json`).
        public static func json(_ status: Int, _ text: String, headers: [String: String] = [:], delay: Duration = .zero) -> Reply {
            var all = headers
            all["content-type"] = all["content-type"] ?? "application/json"
            return Reply(status: status, headers: all, body: Array(text.utf8), delay: delay)
        }
    }

    /// `data:<mime>;base64,<payload>` URIs as the fakes accept them.
    public enum DataURI {
        /// The MIME type and bytes, or nil when it is not a base64 data URI.
        public static func decode(_ uri: String) -> (mime: String, bytes: [UInt8])? {
            guard uri.hasPrefix("data:"), let comma = uri.firstIndex(of: ",") else { return nil }
            let meta = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
            guard meta.hasSuffix(";base64"), let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) else { return nil }
            return (String(meta.dropLast(";base64".count)), Array(data))
        }
    }

    /// The fakes' server: a `LoopbackServer` whose every request goes to one synchronous
    /// handler (the fakes keep their state under a lock).
    final class Loopback: Sendable {
        let baseURL: String
        private let server: LoopbackServer

        private init(server: LoopbackServer) {
            self.server = server
            self.baseURL = server.baseURL
        }

        static func start(_ handle: @escaping @Sendable (Call) -> Reply) async throws -> Loopback {
            let server = try await LoopbackServer.start()
            server.route(nil, "/*") { request in
                var headers: [String: String] = [:]
                for (name, value) in request.headers where headers[name] == nil { headers[name] = value }
                var query: [String: String] = [:]
                for pair in request.query.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    query[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
                }
                let reply = handle(Call(method: request.method, path: request.path, query: query, headers: headers, body: request.body))
                if reply.delay > .zero { try? await Task.sleep(for: reply.delay) }
                return LoopbackServer.Response(
                    status: reply.status, headers: reply.headers.map { (name: $0.key, value: $0.value) }, body: reply.body)
            }
            return Loopback(server: server)
        }

        func stop() async { await server.stop() }
    }

    /// A request body that is usable input, or the 422 that refuses it.
    enum Validated {
        case input(RefkitCore.JSONValue)
        case rejected(Reply)
    }
}
