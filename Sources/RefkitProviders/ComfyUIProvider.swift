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
/// `output_node` (optional; default the first SaveImage output), `size_node` (optional: its
/// `width` and `height` get the stage's size), `control_image_node` (optional: a LoadImage that
/// gets the stage's control image, `ControlImageChoice`), `inputs` (fixed node inputs,
/// `{"<node id>": {"<input>": value}}`, see `ComfyUIWorkflow+Inputs`). An optional API key is sent
/// as a bearer token for servers behind an authenticating proxy.
///
/// Error codes besides `ProviderError+HTTP`'s: `provider_bad_request` (the server rejected the
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
            ProviderError(code: .notConfigured, message: "provider \(settings.name): \(message)", retryable: false)
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
        let size = extra["size_node"].map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let control = extra["control_image_node"].map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
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
            workflow = try ComfyUIWorkflow(
                document, promptNode: prompt, seedNode: seed, imageNodes: imageNodes, outputNode: output, sizeNode: size,
                controlNode: control)
            try workflow.check(inputs: settings.inputs)
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
            throw error.redacted(secret: settings.apiKey)
        }
    }

    /// Runs the stage on the next free server, moving on when a server cannot be reached.
    func dispatch(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        let images = [request.source, request.lockedReference].compactMap { $0 } + request.references
        if !workflow.imageNodes.isEmpty && images.isEmpty {
            throw ProviderError(
                code: .badRequest,
                message: "\(name)'s workflow loads a reference image, and stage \(request.stage.name) has none",
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
                    code: .unavailable, message: "no \(name) server can be reached",
                    detail: endpoints.baseURLs.joined(separator: ", "), retryable: true, retryAfter: retryAfter)
            case .use(let index):
                let job = Job(provider: self, baseURL: endpoints.baseURLs[index], request: request, images: images, deadline: deadline)
                do throws(ProviderError) {
                    let image = try await job.run()
                    await endpoints.release(index)
                    return image
                } catch {
                    await endpoints.release(index)
                    guard error.code == .unreachable else { throw error }
                    await endpoints.markUnreachable(index)
                    logger.warning(
                        "comfyui server unreachable, taken out of rotation",
                        metadata: [
                            "provider": "\(name)", "endpoint": "\(job.baseURL)", "kit.id": "\(request.kitID)", "stage": "\(request.stage)",
                        ])
                    attemptsLeft -= 1
                    guard attemptsLeft > 0, ContinuousClock.now < deadline else { throw error }
                }
            }
        }
    }

    /// `GET /system_stats` answered with a 2xx: the server is up.
    func probe(_ index: Int) async -> Bool {
        let base = endpoints.baseURLs[index]
        var request = HTTPRequest(
            url: base + "/system_stats", headers: authorization, timeout: tuning.probeTimeout,
            connectTimeout: min(tuning.probeTimeout, .seconds(2)))
        request.maxResponseBytes = 1 << 20
        do {
            let response = try await http.send(request, policy: URLPolicy(forBaseURL: base))
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
