import RefkitCore

/// Negative prompts for ComfyUI (issue 17, item 3): the workflow's negative CLIPTextEncode node
/// (`negative_node`), when the configuration names one, receives the request's negative prompt.
extension ComfyUIWorkflow {
    /// Checks and records `node` as the negative prompt's node: it must exist and have a text
    /// input, and differ from the prompt node (which would overwrite the prompt).
    mutating func setNegativeNode(_ node: String?) throws(Invalid) {
        guard let node, !node.isEmpty else { return }
        guard let inputs = graph[node]?["inputs"]?.objectValue else {
            throw Invalid(message: "has no node \"\(node)\" (negative_node)")
        }
        guard let input = ["text", "prompt"].first(where: { key in inputs.contains { $0.key == key } }) else {
            throw Invalid(message: "node \"\(node)\" (negative_node) has no text input")
        }
        guard node != promptNode else { throw Invalid(message: "negative_node is the prompt_node \"\(node)\"") }
        negative = (node, input)
    }

    /// Writes `text` into the negative node; without a negative prompt the workflow keeps its own.
    func fillNegative(_ graph: inout JSONValue, _ text: String?) {
        guard let negative, let text else { return }
        Self.setInput(&graph, node: negative.node, key: negative.input, to: .string(text))
    }
}
