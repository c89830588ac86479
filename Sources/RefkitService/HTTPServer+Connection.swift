import FlyingSocks
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One connection: read the head and body within the limits, answer, close.
extension HTTPServer {
    func respond(on connection: AsyncSocket) async {
        defer { try? connection.close() }
        let response: HTTPResponse
        switch await readRequest(connection) {
        case .stop: return
        case .refused(let refusal): response = refusal
        case .request(let request): response = await handler(request)
        }
        if let stream = response.stream {
            guard await within(limits.bodyTimeout, { try await connection.write(Data(response.bytes)) }) != nil else { return }
            await stream(HTTPBodyWriter { bytes in try await connection.write(Data(bytes)) })
            return
        }
        let sent = await within(limits.bodyTimeout) { try await connection.write(Data(response.bytes)) }
        if sent != nil { await discardUnreadInput(connection) }
    }

    enum HeadRead: Sendable {
        case head([UInt8], [UInt8])
        case tooLarge
    }

    enum ReadOutcome: Sendable {
        case request(HTTPRequest)
        case refused(HTTPResponse)
        case stop
    }

    /// Reads up to the blank line that ends the head, then the body, within the size and time bounds.
    func readRequest(_ connection: AsyncSocket) async -> ReadOutcome {
        let limit = limits.maximumHeadBytes
        let head = await within(limits.headTimeout) { () async throws -> HeadRead in
            var bytes: [UInt8] = []
            while true {
                if let (end, bodyStart) = Self.endOfHead(bytes) { return .head(Array(bytes[..<end]), Array(bytes[bodyStart...])) }
                if bytes.count >= limit { return .tooLarge }
                bytes += try await connection.read(atMost: limit - bytes.count)
            }
        }
        if Task.isCancelled { return .stop }
        guard let read = head else { return .refused(Self.plain("400 Bad Request", "incomplete request\n")) }
        guard case .head(let headBytes, let early) = read else {
            return .refused(Self.plain("431 Request Header Fields Too Large", "request too large\n"))
        }
        guard var request = HTTPRequest.parse(head: String(decoding: headBytes, as: UTF8.self)) else {
            return .refused(Self.plain("400 Bad Request", "bad request line or header\n"))
        }
        let length: Int
        switch request.bodyFraming {
        case .failure(.chunked):
            return .refused(Self.plain("411 Length Required", "send the body with a Content-Length (chunked bodies are not read)\n"))
        case .failure(.badLength): return .refused(Self.plain("400 Bad Request", "Content-Length is not one whole number\n"))
        case .success(let value): length = value
        }
        guard length <= limits.maximumBodyBytes else {
            return .refused(Self.plain("413 Content Too Large", "the body is larger than \(limits.maximumBodyBytes) bytes\n"))
        }
        guard length > 0 else { return .request(request) }
        let body = await within(limits.bodyTimeout) { () async throws -> [UInt8] in
            var body = Array(early.prefix(length))
            while body.count < length { body += try await connection.read(atMost: min(65536, length - body.count)) }
            return body
        }
        if Task.isCancelled { return .stop }
        guard let body else { return .refused(Self.plain("400 Bad Request", "incomplete body\n")) }
        request.body = body
        return .request(request)
    }

    static func plain(_ status: String, _ text: String) -> HTTPResponse { HTTPResponse(status: status, body: text) }

    /// Where the request head ends (`\r\n\r\n` or a bare `\n\n`) and where the body starts, if it has.
    static func endOfHead(_ bytes: [UInt8]) -> (end: Int, bodyStart: Int)? {
        guard bytes.count >= 2 else { return nil }
        for index in 1..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            if bytes[index - 1] == UInt8(ascii: "\n") { return (index - 1, index + 1) }
            if index >= 3, bytes[index - 1] == UInt8(ascii: "\r"), bytes[index - 2] == UInt8(ascii: "\n"),
                bytes[index - 3] == UInt8(ascii: "\r")
            {
                return (index - 3, index + 1)
            }
        }
        return nil
    }

    /// Half-closes and reads what the client still sends (bounded), so closing does not reset
    /// the connection before the client has read the answer (a 431 leaves its request unread).
    func discardUnreadInput(_ connection: AsyncSocket) async {
        _ = Glibc.shutdown(connection.socket.file.rawValue, Int32(SHUT_WR))
        _ = await within(.seconds(1)) {
            var discarded = 0
            while discarded < 1 << 20 { discarded += try await connection.read(atMost: 4096).count }
        }
    }

    /// `body`'s result, or nil when it throws (the client left, the server stops) or takes
    /// longer than `limit` (it is cancelled then).
    func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { try? await body() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
    }
}
