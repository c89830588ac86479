import RefkitCore

/// Fixed inputs and the stage's size and control image in a ComfyUI workflow (issue 17 item 4).
/// Inputs are `{"<node id>": {"<input name>": value}}`: each value replaces (or adds) that
/// input of that node, so a LoRA's strength, a sampler's steps or a guidance node's value is a
/// configuration line. A node the workflow lacks is an error, never silently skipped.
extension ComfyUIWorkflow {
    /// Throws when `inputs` is not an object of node ids, each an object of input names, or
    /// names a node the workflow does not have.
    func check(inputs: JSONValue?) throws(Invalid) {
        guard let inputs else { return }
        guard case .object(let nodes) = inputs else {
            throw Invalid(message: "inputs must be an object of node ids, got \(inputs.typeName)")
        }
        for (id, values) in nodes {
            guard graph[id]?.objectValue != nil, id != "_meta" else {
                let known = (graph.objectValue ?? []).map(\.key).filter { $0 != "_meta" }.sorted().joined(separator: ", ")
                throw Invalid(message: "inputs name node \"\(id)\", which the workflow does not have (its nodes: \(known))")
            }
            guard case .object = values else {
                throw Invalid(message: "inputs.\(id) must be an object of input names and values, got \(values.typeName)")
            }
        }
    }

    /// The workflow with `inputs` written into its nodes.
    func applying(_ inputs: JSONValue?) throws(Invalid) -> JSONValue {
        try check(inputs: inputs)
        var out = graph
        for (id, values) in inputs?.objectValue ?? [] {
            for (key, value) in values.objectValue ?? [] { Self.setInput(&out, node: id, key: key, to: value) }
        }
        return out
    }

    /// A copy for `request`: its fixed inputs first, then what refkit writes — the prompt, the
    /// seed, the uploaded image names, the size (`size_node`) and the control image
    /// (`control_image_node`; the first image when the stage has no control image) — so the
    /// stage's own values always win (start-up and intake refuse inputs naming them anyway).
    func filled(_ request: GenerationRequest, images: [String], control: String?) throws(Invalid) -> JSONValue {
        var out = filled(prompt: request.prompt, seed: request.seed, images: images, into: try applying(request.inputs))
        if let sizeNode {
            Self.setInput(&out, node: sizeNode, key: "width", to: .integer(request.width))
            Self.setInput(&out, node: sizeNode, key: "height", to: .integer(request.height))
        }
        if let controlNode, let name = control ?? images.first { Self.setInput(&out, node: controlNode, key: "image", to: .string(name)) }
        return out
    }
}
