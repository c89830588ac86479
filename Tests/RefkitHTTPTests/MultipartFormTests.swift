import Testing

@testable import RefkitHTTP

/// A strict multipart/form-data reader, independent of the builder, for checking its output.
enum MultipartParser {
    struct Part {
        var headers: [String: String]
        var body: [UInt8]
    }

    struct Malformed: Error { var why: String }

    static func parse(body: [UInt8], contentType: String) throws -> [Part] {
        guard contentType.hasPrefix("multipart/form-data; boundary="),
            let boundary = contentType.split(separator: "=", maxSplits: 1).last.map(String.init), !boundary.isEmpty
        else { throw Malformed(why: "content type \(contentType)") }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard body.starts(with: delimiter + [13, 10]) else { throw Malformed(why: "no opening delimiter") }
        var cursor = delimiter.count + 2
        let separator = [13, 10] + delimiter
        while true {
            guard let end = find(separator, in: body, from: cursor) else { throw Malformed(why: "unterminated part") }
            let part = Array(body[cursor..<end])
            guard let headEnd = find([13, 10, 13, 10], in: part, from: 0) else { throw Malformed(why: "no part head") }
            var headers: [String: String] = [:]
            for line in String(decoding: part[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { throw Malformed(why: "bad header \(line)") }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: " ")
            }
            parts.append(Part(headers: headers, body: Array(part[(headEnd + 4)...])))
            cursor = end + separator.count
            if body[cursor...].starts(with: Array("--\r\n".utf8)) {
                guard cursor + 4 == body.count else { throw Malformed(why: "bytes after the closing delimiter") }
                return parts
            }
            guard body[cursor...].starts(with: [13, 10]) else { throw Malformed(why: "bad delimiter line") }
            cursor += 2
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice.removeFirst() }
        while slice.last == set { slice.removeLast() }
        return String(slice)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}

@Suite struct MultipartFormTests {
    @Test func fieldsAndFilesRoundTrip() throws {
        var form = MultipartForm(boundary: "XyZ")
        form.addField(name: "model", value: "imagen")
        form.addFile(name: "ref", filename: "a.jpg", contentType: "image/jpeg", bytes: [0xFF, 0xD8, 13, 10, 0xFF, 0xD9])

        #expect(form.contentType == "multipart/form-data; boundary=XyZ")
        let expected =
            "--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nimagen\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"ref\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        #expect(form.body.starts(with: Array(expected.utf8)))
        let parts = try MultipartParser.parse(body: form.body, contentType: form.contentType)
        #expect(parts.map(\.body) == [Array("imagen".utf8), [0xFF, 0xD8, 13, 10, 0xFF, 0xD9]])
    }

    @Test func randomBoundariesDifferAndQuotesCannotBreakOut() throws {
        #expect(MultipartForm().boundary != MultipartForm().boundary)
        var form = MultipartForm()
        form.addFile(name: "f\"; evil=\"1", filename: "x\r\nContent-Type: text/html", contentType: "image/png\r\nX: y", bytes: [1])
        let parts = try MultipartParser.parse(body: form.body, contentType: form.contentType)
        #expect(parts.count == 1)
        #expect(parts[0].headers.count == 2)
        #expect(parts[0].headers["content-disposition"] == #"form-data; name="f%22; evil=%221"; filename="x%0D%0AContent-Type: text/html""#)
        #expect(parts[0].headers["content-type"] == "image/pngX: y")
    }

    @Test func emptyFormIsJustTheClosingDelimiter() throws {
        let form = MultipartForm(boundary: "b")
        #expect(form.body == Array("--b--\r\n".utf8))
    }
}
