import RefkitCore

/// `[providers.NAME] inputs` (issue 17 item 4): a TOML table, inline or not, turned into the
/// JSON object (`toJSON`) sent with every request of the provider. A table rather than a JSON string, so
/// the file stays one language and an error names the key and its line.
extension ConfigReader {
    func readInputs(_ node: ConfigNode?, path p: String, kind: String, extra: [String: String]) throws(ConfigError) -> JSONValue? {
        guard let node else { return nil }
        guard case .table = node else { throw fail(p, "must be a table (e.g. inputs = { guidance_scale = 3.5 }), got \(node.typeName)") }
        try checkRepresentable(node, path: p)
        let value = toJSON(node)
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

    /// Refuses what `toJSON` cannot carry faithfully: TOML dates and times (it writes their type
    /// name) and infinite or NaN floats (JSON has none).
    func checkRepresentable(_ node: ConfigNode, path: String) throws(ConfigError) {
        switch node {
        case .table(let members): for (key, value) in members { try checkRepresentable(value, path: "\(path).\(key)") }
        case .array(let items): for (i, item) in items.enumerated() { try checkRepresentable(item, path: "\(path)[\(i)]") }
        case .double(let d) where !d.isFinite: throw fail(path, "must be a finite number, got \(d)")
        case .other(let type): throw fail(path, "has no JSON form (a \(type)); use a string")
        default: return
        }
    }
}
