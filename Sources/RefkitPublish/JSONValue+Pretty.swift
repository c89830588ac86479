import RefkitCore

extension JSONValue {
    /// Two-space indented, key-order-preserving text ending in a newline, as `manifest.json` is written.
    var prettySerialized: String {
        var out = ""
        writePretty(to: &out, indent: "")
        out += "\n"
        return out
    }

    private func writePretty(to out: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.writePretty(to: &out, indent: inner)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += inner
                JSONValue.quote(member.key, into: &out)
                out += ": "
                member.value.writePretty(to: &out, indent: inner)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        default:
            // Scalars and empty containers print the same compact or pretty.
            out += serialized
        }
    }
}

extension JSONValue {
    /// Money rounded to a millionth of a dollar, so sums print as `0.117`, not `0.11699999999999999`.
    static func usd(_ value: Double) -> JSONValue { .number((value * 1_000_000).rounded() / 1_000_000, isInteger: false) }

    /// A 64-bit seed: a JSON integer while a double holds it exactly (|n| ≤ 2^53), else its decimal
    /// string, so no reader silently gets a different seed.
    static func seed(_ value: Int64?) -> JSONValue {
        guard let value else { return .null }
        return value.magnitude <= 1 << 53 ? .number(Double(value), isInteger: true) : .string(String(value))
    }
}
