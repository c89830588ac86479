import RefkitCore

/// What a ComfyUI server says it can run, from its `GET /object_info`: every node class it has
/// (core and custom nodes), the inputs each declares, and the allowed values of its combo
/// inputs (for loaders, the model files in the server's folders).
///
/// A combo input comes in two shapes: `[["a.safetensors", "b.safetensors"], {…}]` (the list
/// first, as nodes written against the original API send it) and `["COMBO", {"options": […]}]`
/// (newer nodes). Any other spec (`["INT", {…}]`, `["MODEL"]`) is a plain typed input.
public struct ComfyObjectInfo: Sendable, Equatable {
    /// The answer is not ComfyUI's node list.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// Why, for an operator (which part of the answer is wrong).
        public var reason: String
        /// `reason`.
        public var description: String { reason }
    }

    /// One node class as the server declares it.
    public struct NodeClass: Sendable, Equatable {
        /// Required input names, in the server's order.
        public var required: [String]
        /// Optional input names, in the server's order.
        public var optional: [String]
        /// The allowed values of combo inputs, by input name; a combo that came without its list
        /// is absent (nothing to compare against).
        public var choices: [String: [JSONValue]]

        /// A class with these inputs.
        public init(required: [String], optional: [String] = [], choices: [String: [JSONValue]] = [:]) {
            self.required = required
            self.optional = optional
            self.choices = choices
        }

        /// Whether the class takes an input of this name (required or optional).
        public func declares(_ input: String) -> Bool { required.contains(input) || optional.contains(input) }
    }

    /// Node classes by `class_type`.
    public let classes: [String: NodeClass]

    /// A server with these classes.
    public init(classes: [String: NodeClass]) { self.classes = classes }

    /// Reads a parsed `/object_info` answer. Throws when it is not an object of node classes
    /// (a proxy's error page as JSON, another program on the port).
    public init(_ json: JSONValue) throws(Invalid) {
        guard case .object(let members) = json else {
            throw Invalid(reason: "is a JSON \(json.typeName), not ComfyUI's object of node classes")
        }
        guard !members.isEmpty else { throw Invalid(reason: "lists no node classes") }
        var classes: [String: NodeClass] = [:]
        for (name, node) in members {
            guard case .object = node, let input = node["input"], case .object = input else {
                throw Invalid(reason: "is not ComfyUI's node list: \"\(name)\" is a \(node.typeName) without an input object")
            }
            var parsed = NodeClass(required: [], optional: [])
            for (key, section) in [("required", input["required"]), ("optional", input["optional"])] {
                for (inputName, spec) in section?.objectValue ?? [] {
                    if key == "required" { parsed.required.append(inputName) } else { parsed.optional.append(inputName) }
                    if let values = Self.comboChoices(spec) { parsed.choices[inputName] = values }
                }
            }
            classes[name] = parsed
        }
        self.classes = classes
    }

    /// Parses the body of a `/object_info` answer.
    public init(bytes: [UInt8]) throws(Invalid) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw Invalid(reason: "is not JSON (\(error.description))")
        }
        try self.init(json)
    }

    /// The allowed values when `spec` is a combo input's spec with its list.
    static func comboChoices(_ spec: JSONValue) -> [JSONValue]? {
        guard case .array(let parts) = spec, let first = parts.first else { return nil }
        if case .array(let values) = first { return values }
        if first == .string("COMBO"), parts.count > 1, case .array(let values)? = parts[1]["options"] { return values }
        return nil
    }
}
