import Foundation
import Logging
import RefkitCore
import RefkitHTTP

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
            var control: String?
            if provider.workflow.controlNode != nil, let image = request.controlImage { control = try await upload(image) }
            let graph: JSONValue
            do {
                graph = try provider.workflow.filled(request, images: uploaded, control: control)
            } catch {
                // Only the order's inputs can get here: the configuration's were checked at start-up.
                throw ProviderError(code: .badRequest, message: "\(name): the order's provider \(error.message)", retryable: false)
            }
            let clientID = ComfyUIProvider.makeClientID()
            let promptID = try await queue(graph, clientID: clientID)
            provider.logger.debug("comfyui job queued", metadata: metadata.merging(["prompt_id": "\(promptID)"]) { $1 })
            let output = try await awaitOutput(promptID)
            let bytes = try await download(output)
            return try ProviderHTTP.validatedImage(
                bytes, provider: name, model: provider.modelLabel, costUSD: provider.settings.pricePerImageUSD)
        }

        /// The time left before the stage's deadline, as a request timeout (at least a second).
        var remaining: Duration {
            let left = deadline - ContinuousClock.now
            return max(left, .seconds(1))
        }

        func send(
            _ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeout: Duration? = nil
        ) async throws(ProviderError) -> HTTPResponse {
            let request = HTTPRequest(
                method: method, url: baseURL + path, headers: headers + provider.authorization, body: body, timeout: timeout ?? remaining,
                maxResponseBytes: ProviderHTTP.maxResponseBytes)
            do {
                return try await provider.http.send(request, policy: URLPolicy(forBaseURL: baseURL))
            } catch {
                throw ProviderError.transport(error, provider: name)
            }
        }

        func statusError(_ response: HTTPResponse) -> ProviderError {
            let json = try? JSONValue.parse(response.body)
            let said = json.flatMap(ComfyUIProvider.errorMessage) ?? LogRedaction.quote(response.body)
            return ProviderError.httpStatus(response.status, provider: name, providerMessage: said, retryAfter: RetryAfter.of(response))
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
                throw ProviderError.badResponse(provider: name, "to an upload has no \"name\"")
            }
            let subfolder = json["subfolder"]?.stringValue ?? ""
            return subfolder.isEmpty ? stored : "\(subfolder)/\(stored)"
        }

        /// `POST /prompt`; returns the prompt id. Validation failures are final.
        func queue(_ graph: JSONValue, clientID: String) async throws(ProviderError) -> String {
            let body = JSONValue.object([("prompt", graph), ("client_id", .string(clientID))])
            let response = try await send(
                "POST", "/prompt", headers: [("Content-Type", "application/json")], body: Array(body.serialized.utf8))
            if response.status == 400 {
                throw ComfyUIProvider.rejection(try? JSONValue.parse(response.body), body: response.body, status: 400, provider: name)
            }
            guard (200..<300).contains(response.status) else { throw statusError(response) }
            let json = try ProviderHTTP.parseJSON(response.body, provider: name)
            if let nodeErrors = json["node_errors"], !ComfyUIProvider.isEmpty(nodeErrors) {
                throw ComfyUIProvider.rejection(json, body: response.body, status: response.status, provider: name)
            }
            guard let id = json["prompt_id"]?.stringValue, !id.isEmpty else {
                throw ProviderError.badResponse(provider: name, "to a queued prompt has no \"prompt_id\"")
            }
            return id
        }

        /// Polls `GET /history/{id}` until the job has outputs, failed, or the deadline passes.
        func awaitOutput(_ promptID: String) async throws(ProviderError) -> ComfyUIProvider.OutputImage {
            var failures = 0
            while true {
                do throws(ProviderError) {
                    let response = try await send(
                        "GET", "/history/\(ComfyUIProvider.percentEncoded(promptID))", timeout: min(remaining, .seconds(30)))
                    guard (200..<300).contains(response.status) else { throw statusError(response) }
                    let json = try ProviderHTTP.parseJSON(response.body, provider: name)
                    failures = 0
                    if let entry = json[promptID],
                        let result = try ComfyUIProvider.outcome(of: entry, outputNode: provider.workflow.outputNode, provider: name)
                    {
                        return result
                    }
                } catch  where error.retryable && error.code != .unreachable && error.code != .cancelled {
                    // A busy server may answer a poll badly now and then; the job is still queued.
                    failures += 1
                    provider.logger.debug("comfyui history poll failed", metadata: metadata.merging(["error": "\(error.code)"]) { $1 })
                    if failures >= provider.tuning.pollFailureLimit { throw error }
                }
                guard ContinuousClock.now + provider.tuning.pollInterval < deadline else {
                    await cancel(promptID)
                    throw ProviderError(
                        code: .timeout, message: "\(name) did not finish the job in time",
                        detail: "prompt \(promptID) on \(baseURL)", retryable: true)
                }
                do {
                    try await Task.sleep(for: provider.tuning.pollInterval)
                } catch {
                    await cancel(promptID)
                    throw ProviderError(code: .cancelled, message: "the request to \(name) was cancelled", retryable: true)
                }
            }
        }

        /// Best effort: drop the job from the queue, or stop it if it is running.
        func cancel(_ promptID: String) async {
            let ids = JSONValue.object([("delete", .array([.string(promptID)]))])
            let interrupt = JSONValue.object([("prompt_id", .string(promptID))])
            _ = try? await send(
                "POST", "/queue", headers: [("Content-Type", "application/json")], body: Array(ids.serialized.utf8), timeout: .seconds(5))
            _ = try? await send(
                "POST", "/interrupt", headers: [("Content-Type", "application/json")], body: Array(interrupt.serialized.utf8),
                timeout: .seconds(5))
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
