import RefkitCore

/// `[providers.NAME] inputs` (issue 17 item 4): a TOML table, inline or not, turned into the
/// JSON object sent with every request of the provider. A table rather than a JSON string, so
/// the file stays one language and an error names the key and its line.
extension ConfigReader {
    func readInputs(_ node: ConfigNode?, path p: String, kind: String, extra: [String: String]) throws(ConfigError) -> JSONValue? {
        guard let node else { return nil }
        guard case .table = node else { throw fail(p, "must be a table (e.g. inputs = { guidance_scale = 3.5 }), got \(node.typeName)") }
        let value = try json(node, path: p)
        if let problem = ProviderInputs.problem(value, kind: kind, reserved: ProviderInputs.reservedFields(kind: kind, settings: extra)) {
            throw fail(p, problem)
        }
        return value
    }

    /// Inputs under a provider whose kind takes none: refused by name, not as an unknown key, so
    /// the message says why (gemini, openai and preview requests have fixed shapes).
    func refuseInputs(_ node: ConfigNode?, path p: String, kind: String) throws(ConfigError) {
        guard node != nil, !ProviderInputs.kinds.contains(kind) else { return }
        throw fail(p, ProviderInputs.problem(.object([]), kind: kind, reserved: []) ?? "takes no inputs")
    }

    /// TOML values as JSON: tables keep their (sorted) keys, integers stay integers.
    func json(_ node: ConfigNode, path: String) throws(ConfigError) -> JSONValue {
        switch node {
        case .table(let members):
            var out: [(key: String, value: JSONValue)] = []
            for (key, value) in members { out.append((key, try json(value, path: "\(path).\(key)"))) }
            return .object(out)
        case .array(let items):
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() { out.append(try json(item, path: "\(path)[\(i)]")) }
            return .array(out)
        case .string(let s): return .string(s)
        case .int(let i): return .number(Double(i), isInteger: true)
        case .double(let d):
            guard d.isFinite else { throw fail(path, "must be a finite number, got \(d)") }
            return .number(d, isInteger: false)
        case .bool(let b): return .bool(b)
        case .other(let type): throw fail(path, "has no JSON form (a \(type)); use a string")
        }
    }
}
