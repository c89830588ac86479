import Foundation
import Logging
import RefkitCore
import RefkitHTTP

/// A local (or LAN) ComfyUI server, or several, running one API-format workflow.
///
/// For each stage: pick the least-busy healthy server (`ComfyUIEndpoints`), upload the source
/// and the locked reference (`POST /upload/image`), fill a copy of the workflow (prompt, seed,
/// uploaded image names), queue it (`POST /prompt`), poll `GET /history/{prompt_id}` until it
/// has outputs or failed, and download the output image (`GET /view`). A server that cannot be
/// connected to is taken out of rotation and the stage moves to another one.
///
/// Configuration (`[providers.NAME]`, kind `comfyui`): `workflow` (path of the API-format JSON),
/// `endpoints` (base URLs; default `base_url`), `prompt_node`, `seed_node`, `image_nodes`
/// (LoadImage node ids: the source first, then the locked reference, then further references),
/// `output_node` (optional; default the first SaveImage output). An optional API key is sent
/// as a bearer token for servers behind an authenticating proxy.
///
/// Error codes besides `ProviderHTTP`'s: `provider_bad_request` (the server rejected the
/// workflow: node_errors, HTTP 400; final), `provider_failed` (the workflow raised an error
/// while running, or was interrupted; final), `provider_unavailable` (no server reachable;
/// retryable, with the time until the next health check), `provider_not_configured` (a bad
/// workflow or node mapping; thrown by `init`).
public struct ComfyUIProvider: ImageProvider {
    /// Timings, adjustable for tests.
    public struct Tuning: Sendable {
        /// Pause between two `GET /history` polls of a queued job.
        public var pollInterval: Duration
        /// How long a server that refused a connection is left alone before its first re-check.
        public var healthBackoff: Duration
        /// Upper bound of the doubling back-off between re-checks.
        public var maxHealthBackoff: Duration
        /// Whole-request limit of a health probe (`GET /system_stats`).
        public var probeTimeout: Duration
        /// How many failed polls in a row (5xx, garbled answers) a job survives.
        public var pollFailureLimit: Int

        public init(
            pollInterval: Duration = .milliseconds(500), healthBackoff: Duration = .seconds(2), maxHealthBackoff: Duration = .seconds(60),
            probeTimeout: Duration = .seconds(5), pollFailureLimit: Int = 3
        ) {
            self.pollInterval = pollInterval
            self.healthBackoff = healthBackoff
            self.maxHealthBackoff = maxHealthBackoff
            self.probeTimeout = probeTimeout
            self.pollFailureLimit = pollFailureLimit
        }
    }

    public let name: String
    /// The servers and their load; shared by every copy of this provider.
    public let endpoints: ComfyUIEndpoints
    let workflow: ComfyUIWorkflow
    let settings: ProviderSettings
    let http: HTTPClient
    let tuning: Tuning
    let logger: Logger

    /// Loads and checks the workflow file against the node mapping; a missing file, a workflow
    /// that is not in API format or a node id it lacks is `provider_not_configured`.
    public init(settings: ProviderSettings, http: HTTPClient) throws(ProviderError) {
        try self.init(settings: settings, http: http, tuning: Tuning())
    }

    public init(
        settings: ProviderSettings, http: HTTPClient, tuning: Tuning, logger: Logger = Logger(label: "refkit.providers.comfyui")
    ) throws(ProviderError) {
        func misconfigured(_ message: String) -> ProviderError {
            ProviderError(code: "provider_not_configured", message: "provider \(settings.name): \(message)", retryable: false)
        }
        let extra = settings.extra
        guard let path = extra["workflow"].map(Self.trimmed), !path.isEmpty else {
            throw misconfigured("`workflow` (the path of a workflow in ComfyUI's API format) is required")
        }
        guard let prompt = extra["prompt_node"].map(Self.trimmed), !prompt.isEmpty else {
            throw misconfigured("`prompt_node` (the node id whose text input receives the prompt) is required")
        }
        guard let seed = extra["seed_node"].map(Self.trimmed), !seed.isEmpty else {
            throw misconfigured("`seed_node` (the node id whose seed input is set) is required")
        }
        let imageNodes = Self.list(extra["image_nodes"])
        let output = extra["output_node"].map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let document: JSONValue
        do {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            document = try JSONValue.parse(bytes)
        } catch let error as JSONSyntaxError {
            throw misconfigured("the workflow \(path) is not valid JSON (\(error.description))")
        } catch {
            throw misconfigured("the workflow \(path) could not be read (\((error as NSError).localizedDescription))")
        }
        do {
            workflow = try ComfyUIWorkflow(document, promptNode: prompt, seedNode: seed, imageNodes: imageNodes, outputNode: output)
        } catch {
            throw misconfigured("the workflow \(path) \(error.message)")
        }

        var urls = Self.list(extra["endpoints"]).map(ProviderHTTP.trimmedBase)
        if urls.isEmpty { urls = [ProviderHTTP.trimmedBase(settings.baseURL)] }
        for url in urls where !(url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://")) {
            throw misconfigured("endpoint \"\(url)\" must start with http:// or https://")
        }
        if Set(urls).count != urls.count { throw misconfigured("`endpoints` lists a server twice") }

        self.name = settings.name
        self.settings = settings
        self.http = http
        self.tuning = tuning
        self.logger = logger
        self.endpoints = ComfyUIEndpoints(baseURLs: urls, backoff: tuning.healthBackoff, maxBackoff: tuning.maxHealthBackoff)
    }

    /// The model label recorded in manifests (the workflow decides what really runs).
    var modelLabel: String { settings.model ?? "comfyui-workflow" }

    public func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        do {
            return try await dispatch(request)
        } catch {
            // A proxy's key must not come back in a message ComfyUI or the proxy echoed.
            throw ProviderHTTP.redact(error, secret: settings.apiKey)
        }
    }

    /// Runs the stage on the next free server, moving on when a server cannot be reached.
    func dispatch(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        let images = [request.source, request.lockedReference].compactMap { $0 } + request.references
        if !workflow.imageNodes.isEmpty && images.isEmpty {
            throw ProviderError(
                code: "provider_bad_request", message: "\(name)'s workflow loads a reference image, and stage \(request.stage.name) has none",
                retryable: false)
        }
        let deadline = ContinuousClock.now + settings.timeout
        // A server that refuses connections hands the job to the next one; each may be tried once.
        var attemptsLeft = endpoints.baseURLs.count
        while true {
            switch await endpoints.next() {
            case .probe(let indices):
                for index in indices {
                    let healthy = await probe(index)
                    await endpoints.reportProbe(index, healthy: healthy)
                    logger.info(
                        healthy ? "comfyui server is back" : "comfyui server still unreachable",
                        metadata: ["provider": "\(name)", "endpoint": "\(endpoints.baseURLs[index])"])
                }
            case .unavailable(let retryAfter):
                throw ProviderError(
                    code: "provider_unavailable", message: "no \(name) server can be reached",
                    detail: endpoints.baseURLs.joined(separator: ", "), retryable: true, retryAfter: retryAfter)
            case .use(let index):
                let job = Job(provider: self, baseURL: endpoints.baseURLs[index], request: request, images: images, deadline: deadline)
                do throws(ProviderError) {
                    let image = try await job.run()
                    await endpoints.release(index)
                    return image
                } catch {
                    await endpoints.release(index)
                    guard error.code == "provider_unreachable" else { throw error }
                    await endpoints.markUnreachable(index)
                    logger.warning(
                        "comfyui server unreachable, taken out of rotation",
                        metadata: ["provider": "\(name)", "endpoint": "\(job.baseURL)", "kit.id": "\(request.kitID)", "stage": "\(request.stage)"])
                    attemptsLeft -= 1
                    guard attemptsLeft > 0, ContinuousClock.now < deadline else { throw error }
                }
            }
        }
    }

    /// `GET /system_stats` answered with a 2xx: the server is up.
    func probe(_ index: Int) async -> Bool {
        let base = endpoints.baseURLs[index]
        var request = HTTPRequest(url: base + "/system_stats", headers: authorization, timeout: tuning.probeTimeout, connectTimeout: min(tuning.probeTimeout, .seconds(2)))
        request.maxResponseBytes = 1 << 20
        do {
            let response = try await http.send(request, policy: ProviderHTTP.policy(for: base))
            return (200..<300).contains(response.status)
        } catch {
            return false
        }
    }

    var authorization: [(name: String, value: String)] {
        guard let key = settings.apiKey, !key.isEmpty else { return [] }
        return [("Authorization", "Bearer \(key)")]
    }

    static func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }

    static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { trimmed(String($0)) }.filter { !$0.isEmpty }
    }
}

// MARK: - One job on one server

extension ComfyUIProvider {
    /// One stage on one server: upload, queue, poll, download.
    struct Job {
        let provider: ComfyUIProvider
        let baseURL: String
        let request: GenerationRequest
        let images: [ReferenceImage]
        let deadline: ContinuousClock.Instant

        var name: String { provider.name }
        var metadata: Logger.Metadata {
            ["provider": "\(name)", "endpoint": "\(baseURL)", "kit.id": "\(request.kitID)", "stage": "\(request.stage)"]
        }

        func run() async throws(ProviderError) -> GeneratedImage {
            var uploaded: [String] = []
            for image in images.prefix(provider.workflow.imageNodes.count) {
                uploaded.append(try await upload(image))
            }
            let graph = provider.workflow.filled(prompt: request.prompt, seed: request.seed, images: uploaded)
            let clientID = ComfyUIProvider.makeClientID()
            let promptID = try await queue(graph, clientID: clientID)
            provider.logger.debug("comfyui job queued", metadata: metadata.merging(["prompt_id": "\(promptID)"]) { $1 })
            let output = try await awaitOutput(promptID)
            let bytes = try await download(output)
            return try ProviderHTTP.validatedImage(bytes, provider: name, model: provider.modelLabel, costUSD: provider.settings.pricePerImageUSD)
        }

        /// The time left before the stage's deadline, as a request timeout (at least a second).
        var remaining: Duration {
            let left = deadline - ContinuousClock.now
            return max(left, .seconds(1))
        }

        func send(_ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeout: Duration? = nil) async throws(ProviderError) -> HTTPResponse {
            let request = HTTPRequest(
                method: method, url: baseURL + path, headers: headers + provider.authorization, body: body, timeout: timeout ?? remaining,
                maxResponseBytes: ProviderHTTP.maxResponseBytes)
            do {
                return try await provider.http.send(request, policy: ProviderHTTP.policy(for: baseURL))
            } catch {
                throw ProviderHTTP.transportError(error, provider: name)
            }
        }

        func statusError(_ response: HTTPResponse) -> ProviderError {
            let json = try? JSONValue.parse(response.body)
            let said = json.flatMap(ComfyUIProvider.errorMessage) ?? ProviderHTTP.quote(response.body)
            return ProviderHTTP.statusError(status: response.status, provider: name, providerMessage: said, retryAfter: ProviderHTTP.retryAfter(response))
        }

        /// `POST /upload/image`; returns the name LoadImage takes (`subfolder/name` when in a subfolder).
        func upload(_ image: ReferenceImage) async throws(ProviderError) -> String {
            let filename = ComfyUIProvider.uploadName(kitID: request.kitID, image: image)
            var form = MultipartForm()
            form.addField(name: "overwrite", value: "true")
            form.addField(name: "type", value: "input")
            form.addFile(name: "image", filename: filename, contentType: image.mime, bytes: image.bytes)
            let response = try await send("POST", "/upload/image", headers: [("Content-Type", form.contentType)], body: form.body)
            guard (200..<300).contains(response.status) else { throw statusError(response) }
            let json = try ProviderHTTP.parseJSON(response.body, provider: name)
            guard let stored = json["name"]?.stringValue, !stored.isEmpty else {
                throw ProviderHTTP.badResponse(provider: name, "to an upload has no \"name\"")
            }
            let subfolder = json["subfolder"]?.stringValue ?? ""
            return subfolder.isEmpty ? stored : "\(subfolder)/\(stored)"
        }

        /// `POST /prompt`; returns the prompt id. Validation failures are final.
        func queue(_ graph: JSONValue, clientID: String) async throws(ProviderError) -> String {
            let body = JSONValue.object([("prompt", graph), ("client_id", .string(clientID))])
            let response = try await send("POST", "/prompt", headers: [("Content-Type", "application/json")], body: Array(body.serialized.utf8))
            if response.status == 400 {
                throw ComfyUIProvider.rejection(try? JSONValue.parse(response.body), body: response.body, status: 400, provider: name)
            }
            guard (200..<300).contains(response.status) else { throw statusError(response) }
            let json = try ProviderHTTP.parseJSON(response.body, provider: name)
            if let nodeErrors = json["node_errors"], !ComfyUIProvider.isEmpty(nodeErrors) {
                throw ComfyUIProvider.rejection(json, body: response.body, status: response.status, provider: name)
            }
            guard let id = json["prompt_id"]?.stringValue, !id.isEmpty else {
                throw ProviderHTTP.badResponse(provider: name, "to a queued prompt has no \"prompt_id\"")
            }
            return id
        }

        /// Polls `GET /history/{id}` until the job has outputs, failed, or the deadline passes.
        func awaitOutput(_ promptID: String) async throws(ProviderError) -> ComfyUIProvider.OutputImage {
            var failures = 0
            while true {
                do throws(ProviderError) {
                    let response = try await send("GET", "/history/\(ComfyUIProvider.percentEncoded(promptID))", timeout: min(remaining, .seconds(30)))
                    guard (200..<300).contains(response.status) else { throw statusError(response) }
                    let json = try ProviderHTTP.parseJSON(response.body, provider: name)
                    failures = 0
                    if let entry = json[promptID], let result = try ComfyUIProvider.outcome(of: entry, outputNode: provider.workflow.outputNode, provider: name) {
                        return result
                    }
                } catch where error.retryable && error.code != "provider_unreachable" && error.code != "provider_cancelled" {
                    // A busy server may answer a poll badly now and then; the job is still queued.
                    failures += 1
                    provider.logger.debug("comfyui history poll failed", metadata: metadata.merging(["error": "\(error.code)"]) { $1 })
                    if failures >= provider.tuning.pollFailureLimit { throw error }
                }
                guard ContinuousClock.now + provider.tuning.pollInterval < deadline else {
                    await cancel(promptID)
                    throw ProviderError(
                        code: "provider_timeout", message: "\(name) did not finish the job in time",
                        detail: "prompt \(promptID) on \(baseURL)", retryable: true)
                }
                do {
                    try await Task.sleep(for: provider.tuning.pollInterval)
                } catch {
                    await cancel(promptID)
                    throw ProviderError(code: "provider_cancelled", message: "the request to \(name) was cancelled", retryable: true)
                }
            }
        }

        /// Best effort: drop the job from the queue, or stop it if it is running.
        func cancel(_ promptID: String) async {
            let ids = JSONValue.object([("delete", .array([.string(promptID)]))])
            let interrupt = JSONValue.object([("prompt_id", .string(promptID))])
            _ = try? await send("POST", "/queue", headers: [("Content-Type", "application/json")], body: Array(ids.serialized.utf8), timeout: .seconds(5))
            _ = try? await send("POST", "/interrupt", headers: [("Content-Type", "application/json")], body: Array(interrupt.serialized.utf8), timeout: .seconds(5))
        }

        /// `GET /view?filename=…&subfolder=…&type=…`.
        func download(_ image: ComfyUIProvider.OutputImage) async throws(ProviderError) -> [UInt8] {
            let query = [("filename", image.filename), ("subfolder", image.subfolder), ("type", image.type)]
                .map { "\($0)=\(ComfyUIProvider.percentEncoded($1))" }.joined(separator: "&")
            let response = try await send("GET", "/view?\(query)")
            guard (200..<300).contains(response.status) else { throw statusError(response) }
            return response.body
        }
    }
}

// MARK: - ComfyUI's answers

extension ComfyUIProvider {
    /// One image in a job's outputs.
    struct OutputImage: Sendable, Equatable {
        var filename: String
        var subfolder: String
        var type: String
    }

    /// A history entry's verdict: nil while it is not finished, the image to download when it
    /// is, a final error when it failed.
    static func outcome(of entry: JSONValue, outputNode: String?, provider: String) throws(ProviderError) -> OutputImage? {
        let status = entry["status"]
        if status?["status_str"]?.stringValue == "error" {
            throw executionError(status, provider: provider)
        }
        let outputs = entry["outputs"]?.objectValue ?? []
        func images(_ node: JSONValue) -> [OutputImage] {
            (node["images"]?.arrayValue ?? []).compactMap { item in
                guard let filename = item["filename"]?.stringValue, !filename.isEmpty else { return nil }
                return OutputImage(filename: filename, subfolder: item["subfolder"]?.stringValue ?? "", type: item["type"]?.stringValue ?? "output")
            }
        }
        if let outputNode, let node = outputs.first(where: { $0.key == outputNode })?.value, let first = images(node).first {
            return first
        }
        let all = outputs.flatMap { images($0.value) }
        if let saved = all.first(where: { $0.type == "output" }) ?? all.first {
            return saved
        }
        let completed = status?["completed"] == .bool(true) || status?["status_str"]?.stringValue == "success"
        if completed {
            throw ProviderHTTP.noImage(provider: provider, reason: "the job finished without an output image" + (outputNode.map { " (node \($0))" } ?? ""))
        }
        return nil
    }

    /// The `execution_error` (or `execution_interrupted`) message of a failed job.
    static func executionError(_ status: JSONValue?, provider: String) -> ProviderError {
        let messages = status?["messages"]?.arrayValue ?? []
        for message in messages {
            guard let pair = message.arrayValue, pair.count >= 2, let kind = pair[0].stringValue else { continue }
            let data = pair[1]
            let node = [data["node_id"]?.stringValue.map { "node \($0)" }, data["node_type"]?.stringValue.map { "(\($0))" }]
                .compactMap { $0 }.joined(separator: " ")
            if kind == "execution_error" {
                let text = data["exception_message"]?.stringValue.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
                let type = data["exception_type"]?.stringValue ?? ""
                return ProviderError(
                    code: "provider_failed", message: "\(provider) failed to run the workflow: \(text)",
                    detail: [node, type].filter { !$0.isEmpty }.joined(separator: ", "), retryable: false)
            }
            if kind == "execution_interrupted" {
                return ProviderError(code: "provider_failed", message: "\(provider)'s job was interrupted", detail: node, retryable: false)
            }
        }
        return ProviderError(code: "provider_failed", message: "\(provider) failed to run the workflow", detail: "no execution_error message in the history", retryable: false)
    }

    /// The final error for a workflow ComfyUI refused to queue (HTTP 400 or `node_errors`).
    static func rejection(_ json: JSONValue?, body: [UInt8], status: Int, provider: String) -> ProviderError {
        var said = json.flatMap(errorMessage) ?? ""
        var details: [String] = ["HTTP \(status)"]
        if let type = json?[path: "error", "type"]?.stringValue { details.append(type) }
        for (id, node) in json?["node_errors"]?.objectValue ?? [] {
            let errors = (node["errors"]?.arrayValue ?? []).map { error -> String in
                let message = error["message"]?.stringValue ?? "error"
                let detail = error["details"]?.stringValue ?? ""
                return detail.isEmpty ? message : "\(message): \(detail)"
            }
            let kind = node["class_type"]?.stringValue.map { " (\($0))" } ?? ""
            details.append("node \(id)\(kind): \(errors.joined(separator: "; "))")
        }
        if said.isEmpty { said = json == nil ? ProviderHTTP.quote(body) : "the workflow is invalid" }
        return ProviderError(code: "provider_bad_request", message: "\(provider) rejected the workflow: \(said)", detail: details.joined(separator: "; "), retryable: false)
    }

    /// ComfyUI's own explanation: `{"error":{"message","details"}}` or the older `{"error":"…"}`.
    static func errorMessage(_ json: JSONValue) -> String? {
        switch json["error"] {
        case .string(let text)?: return text
        case let error? where error.objectValue != nil:
            let message = error["message"]?.stringValue ?? ""
            let details = error["details"]?.stringValue ?? ""
            let joined = [message, details].filter { !$0.isEmpty }.joined(separator: ": ")
            return joined.isEmpty ? nil : joined
        default: return nil
        }
    }

    /// `{}`, `[]`, null and "" all mean "no node errors" (builds differ).
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .object(let members): members.isEmpty
        case .array(let items): items.isEmpty
        case .string(let s): s.isEmpty
        default: false
        }
    }

    /// The upload's name: the kit and the image's content hash. Different images never share a
    /// name, so concurrent stages cannot overwrite each other's inputs, while the same source
    /// uploaded for every stage of a kit stays one file in ComfyUI's input folder.
    static func uploadName(kitID: String, image: ReferenceImage) -> String {
        let kit = String(kitID.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(48))
        let ext = switch image.mime.lowercased() {
        case "image/png": "png"
        case "image/webp": "webp"
        case "image/gif": "gif"
        default: "jpg"
        }
        return "refkit-\(kit)-\(SHA256Digest.hex(of: image.bytes).prefix(24)).\(ext)"
    }

    /// A random version-4 UUID in canonical lowercase form (ComfyUI's `client_id`).
    static func makeClientID() -> String { UUID().uuidString.lowercased() }

    /// Percent-encoding for a query value or a path segment.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

// MARK: - The workflow

/// An API-format ComfyUI workflow (`{"<node id>": {"class_type", "inputs"}}`) and where refkit
/// writes into it. Checked once, at start-up.
struct ComfyUIWorkflow: Sendable {
    struct Invalid: Error {
        var message: String
    }

    let graph: JSONValue
    let promptNode: String
    let promptInput: String
    let seedNode: String
    let seedInput: String
    let imageNodes: [String]
    let outputNode: String?

    init(_ graph: JSONValue, promptNode: String, seedNode: String, imageNodes: [String], outputNode: String?) throws(Invalid) {
        guard let nodes = graph.objectValue else { throw Invalid(message: "is not a JSON object of nodes") }
        if graph["nodes"]?.arrayValue != nil || graph["links"] != nil {
            throw Invalid(message: "is in ComfyUI's UI format; export it with \"Save (API Format)\"")
        }
        guard !nodes.isEmpty else { throw Invalid(message: "has no nodes") }
        for (id, node) in nodes where id != "_meta" {
            guard node["class_type"]?.stringValue != nil, node["inputs"]?.objectValue != nil else {
                throw Invalid(message: "is not in ComfyUI's API format: node \"\(id)\" has no class_type and inputs")
            }
        }
        func node(_ id: String, _ role: String) throws(Invalid) -> (classType: String, inputs: [(key: String, value: JSONValue)]) {
            guard let node = graph[id], let inputs = node["inputs"]?.objectValue, let classType = node["class_type"]?.stringValue else {
                throw Invalid(message: "has no node \"\(id)\" (\(role))")
            }
            return (classType, inputs)
        }
        let prompt = try node(promptNode, "prompt_node")
        guard let promptInput = ["text", "prompt"].first(where: { key in prompt.inputs.contains { $0.key == key } }) else {
            throw Invalid(message: "node \"\(promptNode)\" (prompt_node, \(prompt.classType)) has no text input")
        }
        let seed = try node(seedNode, "seed_node")
        guard let seedInput = ["seed", "noise_seed"].first(where: { key in seed.inputs.contains { $0.key == key } }) else {
            throw Invalid(message: "node \"\(seedNode)\" (seed_node, \(seed.classType)) has no seed or noise_seed input")
        }
        for id in imageNodes {
            let image = try node(id, "image_nodes")
            guard image.inputs.contains(where: { $0.key == "image" }) else {
                throw Invalid(message: "node \"\(id)\" (image_nodes, \(image.classType)) has no image input")
            }
        }
        if Set(imageNodes).count != imageNodes.count { throw Invalid(message: "image_nodes lists a node twice") }
        if let outputNode { _ = try node(outputNode, "output_node") }
        self.graph = graph
        self.promptNode = promptNode
        self.promptInput = promptInput
        self.seedNode = seedNode
        self.seedInput = seedInput
        self.imageNodes = imageNodes
        self.outputNode = outputNode
    }

    /// JSON numbers are doubles: seeds are kept below 2^53 so ComfyUI receives them exactly.
    static func wireSeed(_ seed: UInt64) -> Int64 { Int64(seed & ((1 << 53) - 1)) }

    /// A copy with the prompt, the seed and the uploaded image names written in. Image nodes
    /// beyond the images given load the first image again (an avatar has no locked reference
    /// yet), so the workflow never points at a file that is not there.
    func filled(prompt: String, seed: UInt64, images: [String]) -> JSONValue {
        var graph = graph
        Self.setInput(&graph, node: promptNode, key: promptInput, to: .string(prompt))
        Self.setInput(&graph, node: seedNode, key: seedInput, to: .number(Double(Self.wireSeed(seed)), isInteger: true))
        if let first = images.first {
            for (index, node) in imageNodes.enumerated() {
                Self.setInput(&graph, node: node, key: "image", to: .string(index < images.count ? images[index] : first))
            }
        }
        return graph
    }

    static func setInput(_ graph: inout JSONValue, node: String, key: String, to value: JSONValue) {
        guard case .object(var nodes) = graph, let n = nodes.firstIndex(where: { $0.key == node }),
            case .object(var fields) = nodes[n].value, let i = fields.firstIndex(where: { $0.key == "inputs" }),
            case .object(var inputs) = fields[i].value
        else { return }
        if let k = inputs.firstIndex(where: { $0.key == key }) {
            inputs[k].value = value
        } else {
            inputs.append((key, value))
        }
        fields[i].value = .object(inputs)
        nodes[n].value = .object(fields)
        graph = .object(nodes)
    }
}
