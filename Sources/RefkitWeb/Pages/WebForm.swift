/// `application/x-www-form-urlencoded` text (a query string, a posted form) as name-value pairs,
/// and the encoding of values put into the pages' links. One decoder for the list's filters and
/// the form posts, so a `+` or `%20` means the same everywhere.
public struct WebForm: Sendable, Equatable {
    /// The pairs in the order sent; a name may repeat (`stage=front&stage=side`).
    public var pairs: [(name: String, value: String)]

    /// Parses `text` (without the `?`): `+` is a space, `%XX` is decoded once; a pair that is
    /// not valid UTF-8 or has a malformed escape is dropped (a form this UI made never sends one).
    public init(_ text: Substring) {
        pairs = text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decoded(parts[0]), !name.isEmpty else { return nil }
            guard let value = parts.count > 1 ? Self.decoded(parts[1]) : "" else { return nil }
            return (name, value)
        }
    }

    public static func == (a: WebForm, b: WebForm) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of `name`, or nil.
    public func value(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    static func decoded(_ text: Substring) -> String? {
        let spaced = String(text.map { $0 == "+" ? " " : $0 })
        guard let bytes = OutboxPath.percentDecoded(spaced[...]) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `text` percent-encoded for a URL's path segment or query value: every byte but
    /// `A-Z a-z 0-9 - . _ ~` as `%XX`.
    public static func encoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// A query string (`a=1&b=x%20y`) from pairs, encoded; empty pairs give "".
    public static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { encoded($0.0) + "=" + encoded($0.1) }.joined(separator: "&")
    }
}
