import FlyingFox
import Foundation
import RefkitCore
import Synchronization

// FlyingFox has a JSONValue of its own, hence RefkitCore.JSONValue throughout.

/// A ComfyUI server on 127.0.0.1 speaking the real HTTP protocol (see providers.md §4):
/// `POST /upload/image` (multipart; stored under the returned name, `name (1).ext` on a clash
/// without `overwrite`), `POST /prompt` (validated: 400 in the object form, or the legacy
/// string form when scripted), `GET /history/{id}` (`{}` until the job is done, then its
/// outputs or an `execution_error`), `GET /view` (uploads and outputs), `GET /system_stats`,
/// `GET|POST /queue`, `POST /interrupt`, `GET /prompt`. Every route also answers under `/api`.
/// A job is done once it has been polled more than `pollsBeforeDone` times and `jobDuration`
/// has passed since it was queued. Every request is recorded.
public final class FakeComfyUI: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    public let port: UInt16
    private let core: Core
    private let loopback: Loopback

    private init(core: Core, loopback: Loopback) {
        self.core = core
        self.loopback = loopback
        self.baseURL = loopback.baseURL
        self.port = loopback.port
    }

    /// Starts a fake on `port` (0: the OS picks one; pass a stopped fake's port to bring it back).
    public static func start(port: UInt16 = 0, outputImage: [UInt8]? = nil) async throws -> FakeComfyUI {
        let image = try outputImage ?? ImageFixtures.png(seed: 9, width: 48, height: 48)
        let core = Core(outputImage: image)
        let loopback = try await Loopback.start(port: port) { call in core.handle(call) }
        return FakeComfyUI(core: core, loopback: loopback)
    }

    /// Stops listening: connections to the port are refused from now on.
    public func stop() async { await loopback.stop() }

    // MARK: Scripting

    /// Wall time a queued job takes before `/history` shows it finished.
    public func setJobDuration(_ duration: Duration) { core.state.withLock { $0.jobDuration = duration } }

    /// How many `/history/{id}` polls of a job answer `{}` before it is shown finished.
    public func setPollsBeforeDone(_ polls: Int) { core.state.withLock { $0.pollsBeforeDone = polls } }

    /// The next queued job fails while running with this exception message.
    public func failNextJob(_ exceptionMessage: String, nodeID: String = "25", nodeType: String = "KSampler") {
        core.state.withLock { $0.failures.append((exceptionMessage, nodeID, nodeType)) }
    }

    /// The next `POST /prompt` is refused with a node error (`value_not_in_list` on `nodeID`).
    public func rejectNextPrompt(nodeID: String = "4", classType: String = "CheckpointLoaderSimple", details: String = "ckpt_name: 'missing.safetensors' not in []") {
        core.state.withLock { $0.rejections.append(.nodeError(nodeID: nodeID, classType: classType, details: details)) }
    }

    /// The next `POST /prompt` is refused in the older form `{"error":"…","node_errors":[]}`.
    public func rejectNextPromptLegacy(_ message: String = "no prompt") {
        core.state.withLock { $0.rejections.append(.legacy(message)) }
    }

    /// The next `POST /prompt` answers 200 with `node_errors` filled in (builds that queue the
    /// valid outputs and report the rest).
    public func reportNodeErrorsOnNextPrompt(nodeID: String = "6", classType: String = "CLIPTextEncode", message: String = "Required input is missing") {
        core.state.withLock { $0.rejections.append(.okWithNodeErrors(nodeID: nodeID, classType: classType, message: message)) }
    }

    /// The next `count` requests to `path` (e.g. `/history`) answer with this status.
    public func failNext(_ path: String, status: Int, count: Int = 1) {
        core.state.withLock { $0.statusFailures.append(contentsOf: Array(repeating: (path, status), count: count)) }
    }

    /// Uploads larger than this are refused with 413.
    public func setMaxUploadBytes(_ bytes: Int) { core.state.withLock { $0.maxUploadBytes = bytes } }

    /// The bytes every finished job saves as its output.
    public func setOutputImage(_ bytes: [UInt8]) { core.state.withLock { $0.outputImage = bytes } }

    // MARK: Observations

    /// Every request received, in order.
    public var calls: [Call] { core.state.withLock { $0.calls } }

    /// Requests whose path (without `/api`) starts with `prefix`.
    public func calls(_ prefix: String) -> [Call] { calls.filter { $0.path.hasPrefix(prefix) } }

    /// Uploaded files by stored name.
    public var uploads: [String: [UInt8]] { core.state.withLock { $0.inputs } }

    /// The stored names of uploads, in order.
    public var uploadNames: [String] { core.state.withLock { $0.uploadOrder } }

    /// The workflows queued (accepted by `POST /prompt`), in order.
    public var queuedWorkflows: [RefkitCore.JSONValue] { core.state.withLock { state in state.jobOrder.compactMap { state.jobs[$0]?.workflow } } }

    /// The `client_id`s jobs were queued with, in order.
    public var clientIDs: [String] { core.state.withLock { state in state.jobOrder.compactMap { state.jobs[$0]?.clientID } } }

    /// How often `/history/{id}` was asked about each job.
    public func historyPolls(_ promptID: String) -> Int { core.state.withLock { $0.jobs[promptID]?.polls ?? 0 } }

    /// The prompt ids of queued jobs, in order.
    public var promptIDs: [String] { core.state.withLock { $0.jobOrder } }

    /// The most jobs that were queued and not yet finished at the same time.
    public var maxConcurrentJobs: Int { core.state.withLock { $0.maxConcurrent } }

    /// One request as received.
    public struct Call: Sendable {
        public var method: String
        /// Without a leading `/api`.
        public var path: String
        public var query: [String: String]
        /// Names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]
        public var json: RefkitCore.JSONValue? { try? RefkitCore.JSONValue.parse(body) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    // MARK: - The server's state and answers

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: [UInt8] = []

        static func json(_ status: Int, _ value: RefkitCore.JSONValue) -> Reply {
            Reply(status: status, headers: ["Content-Type": "application/json"], body: Array(value.serialized.utf8))
        }
    }

    enum Rejection: Sendable {
        case nodeError(nodeID: String, classType: String, details: String)
        case legacy(String)
        case okWithNodeErrors(nodeID: String, classType: String, message: String)
    }

    struct Job: Sendable {
        var id: String
        var number: Int
        var clientID: String
        var workflow: RefkitCore.JSONValue
        var queuedAt: ContinuousClock.Instant
        var polls = 0
        var failure: (message: String, nodeID: String, nodeType: String)?
        var finished = false
        var interrupted = false
        var outputName = ""
    }

    struct State: Sendable {
        var outputImage: [UInt8]
        var calls: [Call] = []
        var inputs: [String: [UInt8]] = [:]
        var uploadOrder: [String] = []
        var outputs: [String: [UInt8]] = [:]
        var jobs: [String: Job] = [:]
        var jobOrder: [String] = []
        var number = 0
        var maxConcurrent = 0
        var jobDuration: Duration = .zero
        var pollsBeforeDone = 0
        var failures: [(String, String, String)] = []
        var rejections: [Rejection] = []
        var statusFailures: [(String, Int)] = []
        var maxUploadBytes = 100 << 20
    }

    final class Core: Sendable {
        let state: Mutex<State>

        init(outputImage: [UInt8]) { state = Mutex(State(outputImage: outputImage)) }

        func handle(_ received: Call) -> Reply {
            var call = received
            if call.path == "/api" || call.path.hasPrefix("/api/") { call.path = String(call.path.dropFirst(4)) }
            return state.withLock { state in
                state.calls.append(call)
                if let origin = call.headers["origin"], let host = call.headers["host"], !origin.hasSuffix("//" + host) {
                    return Reply(status: 403)
                }
                if let i = state.statusFailures.firstIndex(where: { call.path.hasPrefix($0.0) }) {
                    let status = state.statusFailures.remove(at: i).1
                    return .json(status, .object([("error", .string("scripted failure"))]))
                }
                switch (call.method, call.path) {
                case ("POST", "/upload/image"): return Self.upload(call, &state)
                case ("POST", "/prompt"): return Self.queue(call, &state)
                case ("GET", "/prompt"):
                    let remaining = state.jobs.values.filter { !$0.finished }.count
                    return .json(200, .object([("exec_info", .object([("queue_remaining", Self.int(remaining))]))]))
                case ("GET", let path) where path.hasPrefix("/history/"):
                    return Self.history(String(path.dropFirst("/history/".count)), &state)
                case ("GET", "/view"): return Self.view(call, state)
                case ("GET", "/system_stats"): return .json(200, Self.systemStats)
                case ("GET", "/queue"):
                    let pending = state.jobOrder.compactMap { state.jobs[$0] }.filter { !$0.finished }.map { job -> RefkitCore.JSONValue in
                        .array([Self.int(job.number), .string(job.id), job.workflow, .object([("client_id", .string(job.clientID))]), .array([])])
                    }
                    return .json(200, .object([("queue_running", .array([])), ("queue_pending", .array(pending))]))
                case ("POST", "/queue"):
                    if case .array(let ids)? = call.json?["delete"] {
                        for case .string(let id) in ids { state.jobs[id]?.interrupted = true }
                    }
                    return Reply(status: 200)
                case ("POST", "/interrupt"):
                    if case .string(let id)? = call.json?["prompt_id"] { state.jobs[id]?.interrupted = true }
                    return Reply(status: 200)
                default:
                    return Reply(status: 404, body: Array("404: Not Found".utf8))
                }
            }
        }

        static func int(_ n: Int) -> RefkitCore.JSONValue { .number(Double(n), isInteger: true) }

        static let systemStats: RefkitCore.JSONValue = .object([
            ("system", .object([
                ("os", .string("posix")), ("ram_total", int(34_359_738_368)), ("ram_free", int(17_179_869_184)),
                ("comfyui_version", .string("0.3.60")), ("python_version", .string("3.12.3")), ("pytorch_version", .string("2.8.0")),
                ("embedded_python", .bool(false)), ("argv", .array([.string("main.py")])),
            ])),
            ("devices", .array([.object([
                ("name", .string("cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync")), ("type", .string("cuda")), ("index", int(0)),
                ("vram_total", int(25_757_220_864)), ("vram_free", int(24_000_000_000)),
                ("torch_vram_total", int(0)), ("torch_vram_free", int(0)),
            ])])),
        ])

        static func upload(_ call: Call, _ state: inout State) -> Reply {
            guard call.body.count <= state.maxUploadBytes else { return Reply(status: 413, body: Array("413: Request Entity Too Large".utf8)) }
            guard let contentType = call.headers["content-type"], let parts = Multipart.parse(call.body, contentType: contentType),
                let image = parts.first(where: { $0.name == "image" && $0.filename != nil }), let filename = image.filename, !filename.isEmpty
            else { return Reply(status: 400) }
            let field = { (name: String) in parts.first { $0.name == name }.map { String(decoding: $0.bytes, as: UTF8.self) } }
            let overwrite = ["true", "1"].contains(field("overwrite") ?? "")
            let type = field("type") ?? "input"
            let subfolder = field("subfolder") ?? ""
            guard !filename.contains("/"), !filename.contains(".."), !subfolder.contains("..") else { return Reply(status: 400) }
            var name = filename
            if !overwrite {
                let dot = filename.lastIndex(of: ".") ?? filename.endIndex
                var n = 1
                while let existing = state.inputs[key(subfolder, name)], existing != image.bytes {
                    name = "\(filename[..<dot]) (\(n))\(filename[dot...])"
                    n += 1
                }
            }
            state.inputs[key(subfolder, name)] = image.bytes
            state.uploadOrder.append(subfolder.isEmpty ? name : "\(subfolder)/\(name)")
            return .json(200, .object([("name", .string(name)), ("subfolder", .string(subfolder)), ("type", .string(type))]))
        }

        static func key(_ subfolder: String, _ name: String) -> String { subfolder.isEmpty ? name : "\(subfolder)/\(name)" }

        static func promptError(_ type: String, _ message: String, details: String = "", nodeErrors: RefkitCore.JSONValue = .object([])) -> Reply {
            .json(400, .object([
                ("error", .object([("type", .string(type)), ("message", .string(message)), ("details", .string(details)), ("extra_info", .object([]))])),
                ("node_errors", nodeErrors),
            ]))
        }

        static func nodeError(_ id: String, classType: String, type: String, message: String, details: String) -> RefkitCore.JSONValue {
            .object([(id, .object([
                ("errors", .array([.object([
                    ("type", .string(type)), ("message", .string(message)), ("details", .string(details)), ("extra_info", .object([])),
                ])])),
                ("dependent_outputs", .array([.string("9")])),
                ("class_type", .string(classType)),
            ]))])
        }

        static func queue(_ call: Call, _ state: inout State) -> Reply {
            if !state.rejections.isEmpty {
                switch state.rejections.removeFirst() {
                case .nodeError(let id, let classType, let details):
                    return promptError(
                        "prompt_outputs_failed_validation", "Prompt outputs failed validation",
                        nodeErrors: nodeError(id, classType: classType, type: "value_not_in_list", message: "Value not in list", details: details))
                case .legacy(let message):
                    return .json(400, .object([("error", .string(message)), ("node_errors", .array([]))]))
                case .okWithNodeErrors(let id, let classType, let message):
                    return .json(200, .object([
                        ("prompt_id", .string(UUID().uuidString.lowercased())), ("number", int(state.number)),
                        ("node_errors", nodeError(id, classType: classType, type: "required_input_missing", message: message, details: "text")),
                    ]))
                }
            }
            guard let body = call.json, case .object(let nodes)? = body["prompt"] else {
                return promptError("no_prompt", "No prompt provided", details: "No prompt provided")
            }
            if case .string(let id)? = body["prompt_id"], UUID(uuidString: id)?.uuidString.lowercased() != id {
                return promptError("invalid_prompt_id", "Invalid prompt_id", details: "prompt_id must be a canonical UUID")
            }
            var hasOutput = false
            for (id, node) in nodes {
                guard case .string(let classType)? = node["class_type"], case .object(let inputs)? = node["inputs"] else {
                    return promptError("missing_node_type", "Node '\(id)' has no class_type", details: "Node ID '#\(id)'")
                }
                if classType == "SaveImage" || classType == "PreviewImage" { hasOutput = true }
                if classType == "LoadImage" {
                    let image = inputs.first { $0.key == "image" }?.value
                    guard case .string(let name)? = image, state.inputs[name] != nil else {
                        return promptError(
                            "prompt_outputs_failed_validation", "Prompt outputs failed validation",
                            nodeErrors: nodeError(
                                id, classType: "LoadImage", type: "custom_validation_failed", message: "Custom validation failed for node",
                                details: "image - Invalid image file: \(image.map(\.serialized) ?? "missing")"))
                    }
                }
            }
            guard hasOutput else { return promptError("prompt_no_outputs", "Prompt has no outputs", details: "") }
            let id = UUID().uuidString.lowercased()
            var clientID = ""
            if case .string(let c)? = body["client_id"] { clientID = c }
            var job = Job(id: id, number: state.number, clientID: clientID, workflow: .object(nodes), queuedAt: .now)
            if !state.failures.isEmpty { job.failure = state.failures.removeFirst() }
            state.number += 1
            state.jobs[id] = job
            state.jobOrder.append(id)
            state.maxConcurrent = max(state.maxConcurrent, state.jobs.values.filter { !$0.finished }.count)
            return .json(200, .object([("prompt_id", .string(id)), ("number", int(job.number)), ("node_errors", .object([]))]))
        }

        static func history(_ id: String, _ state: inout State) -> Reply {
            guard var job = state.jobs[id] else { return .json(200, .object([])) }
            job.polls += 1
            defer { state.jobs[id] = job }
            let due = job.polls > state.pollsBeforeDone && ContinuousClock.now - job.queuedAt >= state.jobDuration
            guard due || job.interrupted else { return .json(200, .object([])) }
            let timestamp = int(1_700_000_000_000)
            var messages: [RefkitCore.JSONValue] = [.array([.string("execution_start"), .object([("prompt_id", .string(id)), ("timestamp", timestamp)])])]
            var outputs: [(key: String, value: RefkitCore.JSONValue)] = []
            let succeeded: Bool
            if let failure = job.failure {
                messages.append(.array([.string("execution_error"), .object([
                    ("prompt_id", .string(id)), ("node_id", .string(failure.nodeID)), ("node_type", .string(failure.nodeType)),
                    ("executed", .array([])), ("exception_message", .string(failure.message + "\n")), ("exception_type", .string("RuntimeError")),
                    ("traceback", .array([])), ("current_inputs", .object([])), ("current_outputs", .object([])), ("timestamp", timestamp),
                ])]))
                succeeded = false
            } else if job.interrupted {
                messages.append(.array([.string("execution_interrupted"), .object([
                    ("prompt_id", .string(id)), ("node_id", .string("25")), ("node_type", .string("KSampler")), ("executed", .array([])), ("timestamp", timestamp),
                ])]))
                succeeded = false
            } else {
                if job.outputName.isEmpty {
                    job.outputName = String(format: "ComfyUI_%05d_.png", job.number + 1)
                    state.outputs[job.outputName] = state.outputImage
                }
                let saveNode: String? = {
                    guard case .object(let nodes) = job.workflow else { return nil }
                    return nodes.first { $0.value["class_type"] == .string("SaveImage") }?.key ?? nodes.last?.key
                }()
                let image = RefkitCore.JSONValue.object([("filename", .string(job.outputName)), ("subfolder", .string("")), ("type", .string("output"))])
                outputs = [(saveNode ?? "9", .object([("images", .array([image]))]))]
                messages.append(.array([.string("execution_success"), .object([("prompt_id", .string(id)), ("timestamp", timestamp)])]))
                succeeded = true
            }
            job.finished = true
            let entry = RefkitCore.JSONValue.object([
                ("prompt", .array([int(job.number), .string(id), job.workflow, .object([("client_id", .string(job.clientID))]), .array([])])),
                ("outputs", .object(outputs)),
                ("status", .object([
                    ("status_str", .string(succeeded ? "success" : "error")), ("completed", .bool(succeeded)), ("messages", .array(messages)),
                ])),
                ("meta", .object([])),
            ])
            return .json(200, .object([(id, entry)]))
        }

        static func view(_ call: Call, _ state: State) -> Reply {
            guard let filename = call.query["filename"], !filename.isEmpty else { return Reply(status: 400) }
            let subfolder = call.query["subfolder"] ?? ""
            if filename.hasPrefix("/") || filename.contains("..") { return Reply(status: 400) }
            if subfolder.hasPrefix("/") || subfolder.contains("..") { return Reply(status: 403) }
            let store = (call.query["type"] ?? "output") == "input" ? state.inputs : state.outputs
            guard let bytes = store[key(subfolder, filename)] else { return Reply(status: 404) }
            let type = filename.hasSuffix(".png") ? "image/png" : filename.hasSuffix(".webp") ? "image/webp" : "image/jpeg"
            return Reply(status: 200, headers: ["Content-Type": type, "Content-Disposition": "filename=\"\(filename)\""], body: bytes)
        }
    }

    /// multipart/form-data parts (RFC 7578), enough for ComfyUI's upload routes.
    enum Multipart {
        struct Part {
            var name: String
            var filename: String?
            var bytes: [UInt8]
        }

        static func parse(_ body: [UInt8], contentType: String) -> [Part]? {
            guard let range = contentType.range(of: "boundary=") else { return nil }
            var boundary = String(contentType[range.upperBound...])
            if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
            boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            let delimiter = Array("--\(boundary)".utf8)
            var parts: [Part] = []
            var cursor = find(delimiter, in: body, from: 0)
            while let start = cursor {
                var position = start + delimiter.count
                if body[position..<min(position + 2, body.count)].elementsEqual("--".utf8) { break }
                position += 2  // CRLF after the delimiter
                guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: position),
                    let next = find(Array("\r\n--\(boundary)".utf8), in: body, from: headerEnd + 4)
                else { return nil }
                let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
                let disposition = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition") }.map(String.init) ?? ""
                guard let name = parameter("name", in: disposition) else { return nil }
                parts.append(Part(name: name, filename: parameter("filename", in: disposition), bytes: Array(body[(headerEnd + 4)..<next])))
                cursor = next + 2
            }
            return parts
        }

        static func parameter(_ key: String, in header: String) -> String? {
            for piece in header.split(separator: ";") {
                let item = piece.trimmingCharacters(in: .whitespaces)
                guard item.hasPrefix("\(key)=") else { continue }
                return String(item.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            return nil
        }

        static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
            guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
            var i = start
            while i <= haystack.count - needle.count {
                if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }
    }

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
                    let reply = handle(Call(method: request.method.rawValue, path: request.path, query: query, headers: headers, body: body))
                    var responseHeaders = HTTPHeaders()
                    for (name, value) in reply.headers { responseHeaders[HTTPHeader(name)] = value }
                    return HTTPResponse(statusCode: HTTPStatusCode(reply.status, phrase: "Status"), headers: responseHeaders, body: Data(reply.body))
                })
            let task = Task(executorPreference: FakeServerExecutor.shared) { _ = try? await server.run() }
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
