import RefkitCore
import RefkitHTTP

/// What `refkit doctor` asks of a ComfyUI provider: the workflow as it would be sent, with the
/// inputs the configuration points at (`ComfyWorkflowCheck`), and the server's node list
/// (`GET /object_info`) to check it against.
extension ComfyUIProvider {
    /// The workflow file's path (`workflow`).
    public var workflowPath: String { settings.extra["workflow"].map(Self.trimmed) ?? "" }

    /// The check of this provider's workflow: its fixed `inputs` applied, and every input the
    /// node mapping writes.
    public func workflowCheck() -> ComfyWorkflowCheck {
        var references: [ComfyWorkflowCheck.Reference] = [
            .init(node: workflow.promptNode, input: workflow.promptInput, setting: "prompt_node", perStage: true),
            .init(node: workflow.seedNode, input: workflow.seedInput, setting: "seed_node", perStage: true),
        ]
        for node in workflow.imageNodes { references.append(.init(node: node, input: "image", setting: "image_nodes", perStage: true)) }
        if let node = workflow.sizeNode {
            for input in ["width", "height"] { references.append(.init(node: node, input: input, setting: "size_node", perStage: true)) }
        }
        if let node = workflow.controlNode {
            references.append(.init(node: node, input: "image", setting: "control_image_node", perStage: true))
        }
        if let negative = workflow.negative {
            references.append(.init(node: negative.node, input: negative.input, setting: "negative_node", perStage: true))
        }
        // Fixed inputs are real values: a model file named there is compared with the server's.
        for (node, values) in settings.inputs?.objectValue ?? [] {
            for (input, _) in values.objectValue ?? [] {
                references.append(.init(node: node, input: input, setting: "[providers.\(name)] inputs", perStage: false))
            }
        }
        // `init` already checked the inputs against the workflow, so applying them cannot fail here.
        let graph = (try? workflow.applying(settings.inputs)) ?? workflow.graph
        return ComfyWorkflowCheck(workflow: graph, references: references)
    }

    /// `GET /object_info` from the server at `baseURL`: every node class it has. Up to
    /// `ProviderHTTP.maxResponseBytes` (64 MiB), as a server with many custom nodes and model
    /// folders answers with megabytes. An answer that is not the node list is
    /// `provider_bad_response` naming the URL and what is wrong with it.
    public func objectInfo(at baseURL: String) async throws(ProviderError) -> ComfyObjectInfo {
        let url = ProviderHTTP.trimmedBase(baseURL) + "/object_info"
        let request = HTTPRequest(
            url: url, headers: authorization, timeout: .seconds(60), connectTimeout: .seconds(5),
            maxResponseBytes: ProviderHTTP.maxResponseBytes)
        let response = try await ProviderHTTP.send(
            request, via: http, provider: name, secret: settings.apiKey, policy: URLPolicy(forBaseURL: baseURL))
        guard (200..<300).contains(response.status) else {
            throw ProviderError(
                code: .badResponse, message: "\(url) answered HTTP \(response.status), not ComfyUI's node list (is this a ComfyUI server?)",
                retryable: false)
        }
        do {
            return try ComfyObjectInfo(bytes: response.body)
        } catch {
            throw ProviderError(code: .badResponse, message: "\(url) \(error.reason)", retryable: false)
        }
    }
}
