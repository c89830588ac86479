import Foundation
import RefkitCore
import Synchronization

extension FakeOpenAI.Core {
    // MARK: Wire shapes

    static func success(b64: String, size: String) -> FakeImageAPIServer.Reply {
        json(
            200,
            .object([
                ("created", .number(1_700_000_000, isInteger: true)), ("background", .string("opaque")),
                ("output_format", .string("png")),
                ("quality", .string("high")), ("size", .string(size)),
                ("data", .array([.object([("b64_json", .string(b64))])])),
                (
                    "usage",
                    .object([
                        ("input_tokens", .number(1290, isInteger: true)),
                        (
                            "input_tokens_details",
                            .object([("image_tokens", .number(1280, isInteger: true)), ("text_tokens", .number(10, isInteger: true))])
                        ),
                        ("output_tokens", .number(4160, isInteger: true)), ("total_tokens", .number(5450, isInteger: true)),
                    ])
                ),
            ]))
    }

    /// OpenAI echoes a masked key: the first and last few characters.
    static func badKeyReply(sent: String) -> FakeImageAPIServer.Reply {
        let masked = sent.count > 8 ? "\(sent.prefix(3))\(String(repeating: "*", count: sent.count - 7))\(sent.suffix(4))" : "***"
        return error(
            401, "Incorrect API key provided: \(masked). You can find your API key at https://platform.openai.com/account/api-keys.",
            type: "invalid_request_error", code: "invalid_api_key")
    }

    static func error(
        _ status: Int, _ message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil,
        extra: [(key: String, value: RefkitCore.JSONValue)] = []
    ) -> FakeImageAPIServer.Reply {
        var reply = json(
            status,
            .object([
                (
                    "error",
                    .object(
                        [
                            ("message", .string(message)), ("type", .string(type)), ("param", param.map { .string($0) } ?? .null),
                            ("code", code.map { .string($0) } ?? .null),
                        ] + extra)
                )
            ]))
        reply.headers["x-request-id"] = "req_fake"
        return reply
    }

    static func json(_ status: Int, _ value: RefkitCore.JSONValue) -> FakeImageAPIServer.Reply {
        .init(status: status, headers: ["content-type": "application/json"], body: Array(value.serialized.utf8))
    }

    /// The image format by magic bytes, as the service checks it.
    static func sniff(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
            }
        }
        return nil
    }

    /// RFC 7578 parts; nil when the body is not well formed.
    static func parseMultipart(_ body: [UInt8], boundary: String) -> [FakeOpenAI.FormPart]? {
        let delimiter = Array("--\(boundary)".utf8)
        guard var position = find(delimiter, in: body, from: 0) else { return nil }
        var parts: [FakeOpenAI.FormPart] = []
        while true {
            position += delimiter.count
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { return parts }
            guard body.count >= position + 2, body[position] == 0x0D, body[position + 1] == 0x0A else { return nil }
            position += 2
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: position) else { return nil }
            let headerText = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: contentStart) else { return nil }
            var name: String?
            var filename: String?
            var contentType: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { return nil }
            parts.append(
                FakeOpenAI.FormPart(name: name, filename: filename, contentType: contentType, bytes: Array(body[contentStart..<next])))
            position = next + 2
        }
    }

    static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0] == key else { continue }
            return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = start
        let first = needle[0]
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
