import RefkitCore

/// Whether a ComfyUI workflow, as refkit sends it, fits the server it will run on
/// (`ComfyObjectInfo`): what start-up cannot see offline and what makes a night's batch fail
/// at the first job. A node class the server lacks (a custom node pack not installed), a combo
/// value it does not offer (a model file not in its folders, a sampler it does not know), an
/// input the configuration writes that the class does not declare (ComfyUI would drop the
/// value silently), and a required input left unset.
public struct ComfyWorkflowCheck: Sendable {
    /// A node input the provider's configuration points at.
    public struct Reference: Sendable, Equatable {
        /// The node id.
        public var node: String
        /// The input refkit writes.
        public var input: String
        /// The configuration key that names it (`prompt_node`, `image_nodes`, `inputs`, …).
        public var setting: String
        /// Refkit writes a fresh value for every stage (the prompt, an uploaded image's name), so
        /// the workflow's own value is a placeholder and not compared with the server's choices.
        public var perStage: Bool

        /// A reference to `node`'s `input`, named by `setting`.
        public init(node: String, input: String, setting: String, perStage: Bool) {
            self.node = node
            self.input = input
            self.setting = setting
            self.perStage = perStage
        }
    }

    /// One thing wrong with one node.
    public struct Finding: Sendable, Equatable {
        /// `fail`: ComfyUI refuses the workflow or drops a value refkit writes; `warn`: likely trouble.
        public enum Severity: String, Sendable, Equatable {
            case fail, warn
        }

        /// How bad it is.
        public var severity: Severity
        /// The node id.
        public var node: String
        /// The node's `class_type`.
        public var classType: String
        /// What is wrong and what to do, for an operator.
        public var message: String

        /// A finding about `node`.
        public init(severity: Severity, node: String, classType: String, message: String) {
            self.severity = severity
            self.node = node
            self.classType = classType
            self.message = message
        }
    }

    /// The workflow in API format, with the configuration's fixed inputs applied.
    public let workflow: JSONValue
    /// The inputs the configuration points at.
    public let references: [Reference]

    /// A check of `workflow` with `references`.
    public init(workflow: JSONValue, references: [Reference]) {
        self.workflow = workflow
        self.references = references
    }

    /// The workflow's nodes (without a top-level `_meta`).
    public var nodes: [(id: String, classType: String, inputs: [(key: String, value: JSONValue)])] {
        (workflow.objectValue ?? []).compactMap { id, node in
            guard id != "_meta", let classType = node["class_type"]?.stringValue else { return nil }
            return (id, classType, node["inputs"]?.objectValue ?? [])
        }
    }

    /// Everything that does not fit `server`, node by node in the workflow's order; empty when
    /// the workflow fits.
    public func findings(against server: ComfyObjectInfo) -> [Finding] {
        var findings: [Finding] = []
        for node in nodes {
            func add(_ severity: Finding.Severity, _ message: String) {
                findings.append(Finding(severity: severity, node: node.id, classType: node.classType, message: message))
            }
            guard let known = server.classes[node.classType] else {
                add(
                    .fail,
                    "node \(node.id) is `\(node.classType)`, which this ComfyUI does not have: "
                        + "install the custom node pack that provides it")
                continue
            }
            let configured = references.filter { $0.node == node.id }
            for reference in configured where !known.declares(reference.input) {
                add(
                    .fail,
                    "node \(node.id) `\(node.classType)` has no input `\(reference.input)`, which \(reference.setting) writes "
                        + "(ComfyUI would ignore it); its inputs: \(Self.listed(known.required + known.optional, none: "none"))")
            }
            let placeholders = Set(configured.filter(\.perStage).map(\.input))
            for (name, value) in node.inputs where !placeholders.contains(name) {
                guard let choices = known.choices[name], !Self.isLink(value), !choices.contains(value) else { continue }
                add(.fail, Self.notOffered(node: node.id, classType: node.classType, input: name, value: value, choices: choices))
            }
            let written = Set(configured.map(\.input))
            for name in known.required where !written.contains(name) && !node.inputs.contains(where: { $0.key == name }) {
                add(
                    .warn,
                    "node \(node.id) `\(node.classType)` leaves the required input `\(name)` unset (ComfyUI refuses it with "
                        + "required_input_missing): set it in the workflow or in the provider's inputs")
            }
        }
        return findings
    }

    /// `["5", 0]`: the output of another node, not a value.
    static func isLink(_ value: JSONValue) -> Bool {
        guard case .array(let parts) = value, parts.count == 2, case .string = parts[0], case .number = parts[1] else { return false }
        return true
    }

    /// Where ComfyUI looks for the files a loader's combo lists (its `models/` folders).
    static let modelFolders: [String: String] = [
        "ckpt_name": "checkpoints", "unet_name": "diffusion_models", "clip_name": "text_encoders", "clip_name1": "text_encoders",
        "clip_name2": "text_encoders", "clip_name3": "text_encoders", "vae_name": "vae", "lora_name": "loras",
        "control_net_name": "controlnet",
    ]

    static func notOffered(node: String, classType: String, input: String, value: JSONValue, choices: [JSONValue]) -> String {
        let has = choices.isEmpty ? "the server has none" : "the server has: \(listed(choices.map(text)))"
        var message = "node \(node) `\(classType)` names `\(text(value))` in `\(input)`; \(has)"
        if let folder = modelFolders[input] { message += " (put the file in ComfyUI's models/\(folder) folder or fix the name)" }
        return message
    }

    /// A value as an operator reads it: strings without quotes.
    static func text(_ value: JSONValue) -> String { value.stringValue ?? value.serialized }

    /// At most 12 items: a server with hundreds of LoRAs must not flood the terminal.
    static func listed(_ items: [String], limit: Int = 12, none: String = "") -> String {
        if items.isEmpty { return none }
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + ", … (\(items.count - limit) more)"
    }
}
