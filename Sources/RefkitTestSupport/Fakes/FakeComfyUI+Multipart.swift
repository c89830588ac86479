import FlyingFox
import Foundation
import RefkitCore
import Synchronization

extension FakeComfyUI {
    /// multipart/form-data parts (RFC 7578), enough for ComfyUI's upload routes.
    enum Multipart {
        struct Part {
            var name: String
            var filename: String?
            var bytes: [UInt8]
        }

        static func parse(_ body: [UInt8], contentType: String) -> [Part]? {
            guard let range = contentType.range(of: "boundary=") else { return nil }
            var boundary = String(contentType[range.upperBound...])
            if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
            boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            let delimiter = Array("--\(boundary)".utf8)
            var parts: [Part] = []
            var cursor = find(delimiter, in: body, from: 0)
            while let start = cursor {
                var position = start + delimiter.count
                if body[position..<min(position + 2, body.count)].elementsEqual("--".utf8) { break }
                position += 2  // CRLF after the delimiter
                guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: position),
                    let next = find(Array("\r\n--\(boundary)".utf8), in: body, from: headerEnd + 4)
                else { return nil }
                let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
                let disposition =
                    headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition") }.map(String.init) ?? ""
                guard let name = parameter("name", in: disposition) else { return nil }
                parts.append(Part(name: name, filename: parameter("filename", in: disposition), bytes: Array(body[(headerEnd + 4)..<next])))
                cursor = next + 2
            }
            return parts
        }

        static func parameter(_ key: String, in header: String) -> String? {
            for piece in header.split(separator: ";") {
                let item = piece.trimmingCharacters(in: .whitespaces)
                guard item.hasPrefix("\(key)=") else { continue }
                return String(item.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            return nil
        }

        static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
            guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
            var i = start
            while i <= haystack.count - needle.count {
                if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }
    }
}
