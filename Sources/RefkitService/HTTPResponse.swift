import Foundation

/// One HTTP response, closed after sending: a fixed body, or a body written as it is made
/// (`stream`, for Server-Sent Events), delimited by closing the connection.
public struct HTTPResponse: Sendable {
    /// The status line's code and reason (`200 OK`).
    public var status: String
    /// `HTTP/1.0` for the metrics server (as before), `HTTP/1.1` for the web server.
    public var version = "HTTP/1.0"
    public var contentType = "text/plain; charset=utf-8"
    /// Whole header lines (`Allow: GET, HEAD`).
    public var extraHeaders: [String] = []
    public var body: [UInt8]
    /// HEAD: the head of the response, with the length of the body left out.
    public var headOnly = false
    /// Writes the body after the head; no `Content-Length` is sent, the connection's end ends it.
    public var stream: (@Sendable (HTTPBodyWriter) async -> Void)?

    /// A response with `body` as UTF-8 text.
    public init(
        status: String, contentType: String = "text/plain; charset=utf-8", extraHeaders: [String] = [], body: String,
        headOnly: Bool = false
    ) {
        self.init(status: status, contentType: contentType, extraHeaders: extraHeaders, bytes: Array(body.utf8), headOnly: headOnly)
    }

    /// A response with `bytes` as its body.
    public init(status: String, contentType: String, extraHeaders: [String] = [], bytes: [UInt8], headOnly: Bool = false) {
        self.status = status
        self.contentType = contentType
        self.extraHeaders = extraHeaders
        self.body = bytes
        self.headOnly = headOnly
    }

    /// A streamed response: `write` sends pieces until it returns or the client leaves.
    public init(
        status: String, contentType: String, extraHeaders: [String] = [], stream: @escaping @Sendable (HTTPBodyWriter) async -> Void
    ) {
        self.init(status: status, contentType: contentType, extraHeaders: extraHeaders, bytes: [])
        self.stream = stream
    }

    /// The body as text (tests, logs).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The status code (`200`), 0 when the status line does not start with one.
    public var code: Int { Int(status.prefix(3)) ?? 0 }

    /// The head, and the body unless `headOnly` or streamed.
    public var bytes: [UInt8] {
        var head = "\(version) \(status)\r\nContent-Type: \(contentType)\r\n"
        if stream == nil { head += "Content-Length: \(body.count)\r\n" }
        head += "Connection: close\r\n"
        for header in extraHeaders { head += "\(header)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (headOnly || stream != nil ? [] : body)
    }
}

/// Writes a streamed response's body; throws once the client has gone or the server stops.
public struct HTTPBodyWriter: Sendable {
    let send: @Sendable ([UInt8]) async throws -> Void

    /// Writes `bytes` now.
    public func write(_ bytes: [UInt8]) async throws { try await send(bytes) }
    /// Writes `text` as UTF-8 now.
    public func write(_ text: String) async throws { try await send(Array(text.utf8)) }
}
