/// HTML being built: `text` and `attribute` escape, `raw` is for the page's own markup only.
/// One escaper for every page refkit writes (the outbox's static galleries and the web UI), so
/// text from orders, providers and analyzers is escaped the same way everywhere.
public struct HTMLText: Sendable {
    /// The markup so far.
    public private(set) var output = ""

    /// An empty page.
    public init() {}

    /// Appends the page's own markup, unescaped.
    public mutating func raw(_ markup: String) { output += markup }

    /// Appends `s` as element text, escaped.
    public mutating func text(_ s: String) { output += HTMLText.escaped(s) }

    /// Appends `s` as a quoted attribute's value, escaped.
    public mutating func attribute(_ s: String) { output += HTMLText.escaped(s) }

    /// `s` with `& < > " '` as entities: safe in element text and in quoted attribute values.
    public static func escaped(_ s: String) -> String {
        // Most text (ids, statuses, numbers, plain names) has nothing to escape: kept as it is.
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
