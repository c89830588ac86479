/// A multipart/form-data body (RFC 7578), built in memory.
public struct MultipartForm: Sendable {
    public let boundary: String
    private var parts: [[UInt8]] = []

    /// A form with a random boundary (or a given one, for tests).
    public init(boundary: String? = nil) {
        if let boundary {
            self.boundary = boundary
        } else {
            var generator = SystemRandomNumberGenerator()
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            self.boundary = "refkit-" + String((0..<32).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
    }

    /// Adds a text field.
    public mutating func addField(name: String, value: String) {
        appendPart(disposition: "form-data; name=\"\(Self.quoted(name))\"", contentType: nil, bytes: Array(value.utf8))
    }

    /// Adds a file part.
    public mutating func addFile(name: String, filename: String, contentType: String, bytes: [UInt8]) {
        appendPart(
            disposition: "form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(filename))\"",
            contentType: Self.headerSafe(contentType), bytes: bytes)
    }

    /// The Content-Type header value, boundary included.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The encoded body.
    public var body: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count } + boundary.utf8.count + 8)
        for part in parts { out += part }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    private mutating func appendPart(disposition: String, contentType: String?, bytes: [UInt8]) {
        var head = "--\(boundary)\r\nContent-Disposition: \(disposition)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "\r\n"
        parts.append(Array(head.utf8) + bytes + Array("\r\n".utf8))
    }

    /// Quotes and line breaks would end the quoted string or the header: percent-encode them
    /// (what browsers do, per the HTML form-data encoding).
    private static func quoted(_ text: String) -> String {
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    private static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }
}
