/// `application/x-www-form-urlencoded` text (a query string or a form's body) as name-value
/// pairs, in order: `+` is a space, `%XX` decoded once; a pair with a malformed escape or bytes
/// that are not UTF-8 is left out.
public struct WebForm: Sendable, Equatable {
    public var pairs: [(name: String, value: String)]

    public init(_ text: Substring) {
        pairs = text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { return nil }
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else { return nil }
            return (name, value)
        }
    }

    public init(body: [UInt8]) { self.init(Substring(String(decoding: body, as: UTF8.self))) }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    static func decode(_ text: Substring) -> String? {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let bytes = OutboxPath.percentDecoded(Substring(spaced)) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    public static func == (a: WebForm, b: WebForm) -> Bool {
        a.pairs.map(\.name) == b.pairs.map(\.name) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }
}
