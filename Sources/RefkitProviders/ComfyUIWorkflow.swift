import Foundation
import Logging
import RefkitCore
import RefkitHTTP

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
    // Issue 17 item 4: the node whose width and height are the stage's size, and the LoadImage
    // node that gets the stage's control image (`ControlImageChoice`); both optional.
    let sizeNode: String?
    let controlNode: String?

    init(
        _ graph: JSONValue, promptNode: String, seedNode: String, imageNodes: [String], outputNode: String?, sizeNode: String? = nil,
        controlNode: String? = nil
    ) throws(Invalid) {
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
        if let sizeNode {
            let size = try node(sizeNode, "size_node")
            guard size.inputs.contains(where: { $0.key == "width" }) && size.inputs.contains(where: { $0.key == "height" }) else {
                throw Invalid(message: "node \"\(sizeNode)\" (size_node, \(size.classType)) has no width and height inputs")
            }
        }
        if let controlNode {
            let control = try node(controlNode, "control_image_node")
            guard control.inputs.contains(where: { $0.key == "image" }) else {
                throw Invalid(message: "node \"\(controlNode)\" (control_image_node, \(control.classType)) has no image input")
            }
        }
        self.graph = graph
        self.promptNode = promptNode
        self.promptInput = promptInput
        self.seedNode = seedNode
        self.seedInput = seedInput
        self.imageNodes = imageNodes
        self.outputNode = outputNode
        self.sizeNode = sizeNode
        self.controlNode = controlNode
    }

    /// JSON numbers are doubles: seeds are kept below 2^53 so ComfyUI receives them exactly.
    static func wireSeed(_ seed: UInt64) -> Int64 { Int64(seed & ((1 << 53) - 1)) }

    /// A copy with the prompt, the seed and the uploaded image names written in. Image nodes
    /// beyond the images given load the first image again (an avatar has no locked reference
    /// yet), so the workflow never points at a file that is not there.
    /// `base`: the graph to fill instead of the workflow as loaded (one with fixed inputs applied).
    func filled(prompt: String, seed: UInt64, images: [String], into base: JSONValue? = nil) -> JSONValue {
        var graph = base ?? graph
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
