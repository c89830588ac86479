/// A `multipart/form-data` body (RFC 7578) as its parts: each with its field name, the file
/// name a browser gave, its own content type, and its bytes. Parsing only; what a part means
/// is the caller's.
public struct WebMultipart: Sendable {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var fileName: String?
        public var contentType: String?
        public var bytes: [UInt8]
    }

    public var parts: [Part]

    /// The first part named `name`.
    public subscript(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The text of every part named `name` (form fields may repeat, e.g. checkboxes).
    public func texts(_ name: String) -> [String] { parts.filter { $0.name == name }.map { String(decoding: $0.bytes, as: UTF8.self) } }

    /// Parses `body` framed by the boundary of `contentType`.
    /// - Throws: `WebProblem` 400/415 naming what is wrong with the framing.
    public init(body: [UInt8], contentType: String) throws {
        let fields = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.first?.lowercased() == "multipart/form-data" else {
            throw WebProblem(415, "unsupported_media_type", "send multipart/form-data (fields image, order, watch)")
        }
        guard let boundaryField = fields.first(where: { $0.lowercased().hasPrefix("boundary=") }) else {
            throw WebProblem(400, "bad_multipart", "the multipart content type has no boundary")
        }
        var boundary = String(boundaryField.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard (1...70).contains(boundary.utf8.count) else {
            throw WebProblem(400, "bad_multipart", "the multipart boundary is not 1-70 characters")
        }
        parts = try Self.parts(body, delimiter: Array("--\(boundary)".utf8))
    }

    static func parts(_ body: [UInt8], delimiter: [UInt8]) throws -> [Part] {
        let crlf: [UInt8] = [13, 10]
        guard var cursor = find(delimiter, in: body, from: 0) else {
            throw WebProblem(400, "bad_multipart", "no multipart boundary in the body")
        }
        var parts: [Part] = []
        while true {
            cursor += delimiter.count
            if body[cursor...].starts(with: [45, 45]) { return parts }  // "--": the closing delimiter
            guard body[cursor...].starts(with: crlf) else {
                throw WebProblem(400, "bad_multipart", "a boundary line does not end with CRLF")
            }
            cursor += 2
            guard let headEnd = find(crlf + crlf, in: body, from: cursor) else {
                throw WebProblem(400, "bad_multipart", "a part's headers do not end")
            }
            let head = String(decoding: body[cursor..<headEnd], as: UTF8.self)
            let dataStart = headEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: dataStart) else {
                throw WebProblem(400, "bad_multipart", "the body ends inside a part (truncated upload?)")
            }
            parts.append(try part(head: head, bytes: Array(body[dataStart..<next])))
            cursor = next + 2
        }
    }

    static func part(head: String, bytes: [UInt8]) throws -> Part {
        var name: String?
        var fileName: String?
        var contentType: String?
        for line in head.split(whereSeparator: \.isNewline) {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2 else { continue }
            let field = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = pieces[1].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                var text = pair[1]
                if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
                switch pair[0].lowercased() {
                case "name": name = text
                case "filename": fileName = text
                default: continue
                }
            }
        }
        guard let name else { throw WebProblem(400, "bad_multipart", "a part has no Content-Disposition name") }
        return Part(name: name, fileName: fileName, contentType: contentType, bytes: bytes)
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
