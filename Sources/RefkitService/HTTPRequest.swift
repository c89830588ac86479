/// One request as `HTTPServer` read it: the head parsed, the body read whole (bounded by the
/// server's limits). Header names keep their spelling; look them up with `header(_:)`.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent (`/kits?status=failed`).
    public var target: String
    public var version: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The head's text as received (the metrics server answers from it alone).
    public var headText: String

    /// The target before `?` or `#`.
    public var path: Substring { target.prefix { $0 != "?" && $0 != "#" } }
    /// The target after `?` (without a fragment), or empty.
    public var query: Substring {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: mark)...].prefix { $0 != "#" }
    }

    /// Every value of the header `name` (case-insensitive), in order.
    public func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// The first value of the header `name`, or nil.
    public func header(_ name: String) -> String? { values(name).first }

    /// Parses a request head (request line and header lines, CRLF or bare LF, without the blank line);
    /// nil when the request line is not `METHOD TARGET HTTP/x` or a header line has no colon.
    public static func parse(head: String) -> HTTPRequest? {
        // `\r\n` is one Character in Swift, so split on newline characters, not on "\n".
        let lines = head.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let requestLine = lines.first else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
            headers.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        return HTTPRequest(
            method: String(parts[0]), target: String(parts[1]), version: String(parts[2]), headers: headers, body: [], headText: head)
    }

    /// How the body is framed: its length from `Content-Length` (0 without one), or why it cannot be read.
    public var bodyFraming: Result<Int, HTTPFramingError> {
        if !values("Transfer-Encoding").isEmpty { return .failure(.chunked) }
        let lengths = values("Content-Length")
        guard let first = lengths.first else { return .success(0) }
        guard Set(lengths).count == 1, let length = Int(first), length >= 0 else { return .failure(.badLength) }
        return .success(length)
    }
}

/// A request body the server does not read.
public enum HTTPFramingError: Error, Sendable, Equatable {
    /// `Transfer-Encoding` (chunked): the server reads bodies with a `Content-Length` only.
    case chunked
    /// `Content-Length` is not one whole number.
    case badLength
}
