import FlyingFox
import Foundation
import RefkitCore
import Synchronization

extension FakeComfyUI {
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
                case ("GET", "/object_info"): return .json(200, FakeComfyUI.objectInfo(state.schema ?? FakeComfyUI.coreNodeSchema))
                case ("GET", "/queue"):
                    let pending = state.jobOrder.compactMap { state.jobs[$0] }.filter { !$0.finished }.map { job -> RefkitCore.JSONValue in
                        .array([
                            Self.int(job.number), .string(job.id), job.workflow, .object([("client_id", .string(job.clientID))]),
                            .array([]),
                        ])
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
            (
                "system",
                .object([
                    ("os", .string("posix")), ("ram_total", int(34_359_738_368)), ("ram_free", int(17_179_869_184)),
                    ("comfyui_version", .string("0.3.60")), ("python_version", .string("3.12.3")), ("pytorch_version", .string("2.8.0")),
                    ("embedded_python", .bool(false)), ("argv", .array([.string("main.py")])),
                ])
            ),
            (
                "devices",
                .array([
                    .object([
                        ("name", .string("cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync")), ("type", .string("cuda")), ("index", int(0)),
                        ("vram_total", int(25_757_220_864)), ("vram_free", int(24_000_000_000)),
                        ("torch_vram_total", int(0)), ("torch_vram_free", int(0)),
                    ])
                ])
            ),
        ])

        static func upload(_ call: Call, _ state: inout State) -> Reply {
            guard call.body.count <= state.maxUploadBytes else {
                return Reply(status: 413, body: Array("413: Request Entity Too Large".utf8))
            }
            guard let contentType = call.headers["content-type"], let parts = Multipart.parse(call.body, contentType: contentType),
                let image = parts.first(where: { $0.name == "image" && $0.filename != nil }), let filename = image.filename,
                !filename.isEmpty
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

        static func promptError(
            _ type: String, _ message: String, details: String = "", nodeErrors: RefkitCore.JSONValue = .object([])
        )
            -> Reply
        {
            .json(
                400,
                .object([
                    (
                        "error",
                        .object([
                            ("type", .string(type)), ("message", .string(message)), ("details", .string(details)),
                            ("extra_info", .object([])),
                        ])
                    ),
                    ("node_errors", nodeErrors),
                ]))
        }

        static func nodeError(_ id: String, classType: String, type: String, message: String, details: String) -> RefkitCore.JSONValue {
            .object([
                (
                    id,
                    .object([
                        (
                            "errors",
                            .array([
                                .object([
                                    ("type", .string(type)), ("message", .string(message)), ("details", .string(details)),
                                    ("extra_info", .object([])),
                                ])
                            ])
                        ),
                        ("dependent_outputs", .array([.string("9")])),
                        ("class_type", .string(classType)),
                    ])
                )
            ])
        }

        static func queue(_ call: Call, _ state: inout State) -> Reply {
            if !state.rejections.isEmpty {
                switch state.rejections.removeFirst() {
                case .nodeError(let id, let classType, let details):
                    return promptError(
                        "prompt_outputs_failed_validation", "Prompt outputs failed validation",
                        nodeErrors: nodeError(
                            id, classType: classType, type: "value_not_in_list", message: "Value not in list", details: details))
                case .legacy(let message):
                    return .json(400, .object([("error", .string(message)), ("node_errors", .array([]))]))
                case .okWithNodeErrors(let id, let classType, let message):
                    return .json(
                        200,
                        .object([
                            ("prompt_id", .string(UUID().uuidString.lowercased())), ("number", int(state.number)),
                            (
                                "node_errors",
                                nodeError(id, classType: classType, type: "required_input_missing", message: message, details: "text")
                            ),
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
            if let refusal = schemaRefusal(.object(nodes), state.schema) { return refusal }
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
            var messages: [RefkitCore.JSONValue] = [
                .array([.string("execution_start"), .object([("prompt_id", .string(id)), ("timestamp", timestamp)])])
            ]
            var outputs: [(key: String, value: RefkitCore.JSONValue)] = []
            let succeeded: Bool
            if let failure = job.failure {
                messages.append(
                    .array([
                        .string("execution_error"),
                        .object([
                            ("prompt_id", .string(id)), ("node_id", .string(failure.nodeID)), ("node_type", .string(failure.nodeType)),
                            ("executed", .array([])), ("exception_message", .string(failure.message + "\n")),
                            ("exception_type", .string("RuntimeError")),
                            ("traceback", .array([])), ("current_inputs", .object([])), ("current_outputs", .object([])),
                            ("timestamp", timestamp),
                        ]),
                    ]))
                succeeded = false
            } else if job.interrupted {
                messages.append(
                    .array([
                        .string("execution_interrupted"),
                        .object([
                            ("prompt_id", .string(id)), ("node_id", .string("25")), ("node_type", .string("KSampler")),
                            ("executed", .array([])), ("timestamp", timestamp),
                        ]),
                    ]))
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
                let image = RefkitCore.JSONValue.object([
                    ("filename", .string(job.outputName)), ("subfolder", .string("")), ("type", .string("output")),
                ])
                outputs = [(saveNode ?? "9", .object([("images", .array([image]))]))]
                messages.append(.array([.string("execution_success"), .object([("prompt_id", .string(id)), ("timestamp", timestamp)])]))
                succeeded = true
            }
            job.finished = true
            let entry = RefkitCore.JSONValue.object([
                (
                    "prompt",
                    .array([int(job.number), .string(id), job.workflow, .object([("client_id", .string(job.clientID))]), .array([])])
                ),
                ("outputs", .object(outputs)),
                (
                    "status",
                    .object([
                        ("status_str", .string(succeeded ? "success" : "error")), ("completed", .bool(succeeded)),
                        ("messages", .array(messages)),
                    ])
                ),
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
}
