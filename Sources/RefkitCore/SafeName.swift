/// Rules for names that come from orders and end up in paths.
public enum SafeName {
    /// Kit names: 1–100 characters of letters, digits, space, `.`, `_`, `-`; starting with a
    /// letter or digit; never `..`. Anything else could escape the outbox or confuse a shell.
    public static func isSafeKitName(_ name: String) -> Bool {
        guard (1...100).contains(name.count), !name.contains("..") else { return false }
        guard let first = name.unicodeScalars.first, isAlnum(first) else { return false }
        return name.unicodeScalars.allSatisfy { isAlnum($0) || " ._-".unicodeScalars.contains($0) }
    }

    /// Identifiers of expressions, scenes and characters: 1–64 of `[A-Za-z0-9_-]`, starting
    /// with a letter or digit.
    public static func isSafeIdentifier(_ name: String) -> Bool {
        guard (1...64).contains(name.count), let first = name.unicodeScalars.first, isAlnum(first) else { return false }
        return name.unicodeScalars.allSatisfy { isAlnum($0) || $0 == "_" || $0 == "-" }
    }

    /// A folder-safe slug: lowercase ASCII letters, digits and `-`, at most 80 characters;
    /// `kit` when nothing is left.
    public static func slug(_ name: String) -> String {
        var out = ""
        var lastDash = true
        for scalar in name.lowercased().unicodeScalars {
            if isAlnum(scalar) && scalar.isASCII {
                out.unicodeScalars.append(scalar)
                lastDash = false
            } else if !lastDash {
                out.append("-")
                lastDash = true
            }
            if out.count >= 80 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "kit" : out
    }

    private static func isAlnum(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }
}
