import Foundation

/// Finds the line on which a key path (`watch[1].settle_ms`, `providers.gemini`) is written in
/// TOML text. TOMLKit reports lines only for syntax errors; semantic errors need this.
struct TOMLLineLocator {
    private var keyLines: [String: Int] = [:]

    init(text: String) {
        var header = ""
        var arrayCounts: [String: Int] = [:]
        // Split on Character: "\r\n" is one Character in Swift, so splitting on "\n" alone would
        // leave a CRLF file as a single line.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.hasPrefix("[[") {
                let name = Self.clean(String(line.dropFirst(2).prefix { $0 != "]" }))
                let i = arrayCounts[name, default: 0]
                arrayCounts[name] = i + 1
                // A new element starts its nested arrays of tables (`[[watch.default_order.scenes]]`) afresh.
                for nested in arrayCounts.keys where nested.hasPrefix(name + ".") { arrayCounts[nested] = nil }
                header = "\(Self.resolve(name, arrayCounts: arrayCounts, excludingLast: true))[\(i)]"
                record(header, number)
            } else if line.hasPrefix("[") {
                let name = Self.clean(String(line.dropFirst().prefix { $0 != "]" }))
                header = Self.resolve(name, arrayCounts: arrayCounts, excludingLast: false)
                record(header, number)
            } else if let eq = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = Self.clean(String(line[..<eq]))
                guard !key.isEmpty else { continue }
                // A dotted key (`a.b.c = 1`) writes its tables `a` and `a.b` on this line too, so
                // an error about any of them names this line, not the enclosing header's.
                var path = header
                for part in key.split(separator: ".") {
                    path = path.isEmpty ? String(part) : "\(path).\(part)"
                    record(path, number)
                }
            }
        }
    }

    private mutating func record(_ path: String, _ line: Int) {
        if keyLines[path] == nil { keyLines[path] = line }
    }

    /// The line of `path`, or of its nearest written parent.
    func line(of path: String) -> Int? {
        var p = path
        while true {
            if let line = keyLines[p] { return line }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            p = String(p[..<cut])
        }
    }

    private static func clean(_ s: String) -> String {
        s.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
            .joined(separator: ".")
    }

    /// `watch.default_order` under the latest `[[watch]]` becomes `watch[N].default_order`.
    private static func resolve(_ name: String, arrayCounts: [String: Int], excludingLast: Bool) -> String {
        let parts = name.split(separator: ".").map(String.init)
        var out: [String] = []
        for (i, part) in parts.enumerated() {
            let isLast = i == parts.count - 1
            if let n = arrayCounts[parts[0...i].joined(separator: ".")], !(isLast && excludingLast) {
                out.append("\(part)[\(n - 1)]")
            } else {
                out.append(part)
            }
        }
        return out.joined(separator: ".")
    }
}
