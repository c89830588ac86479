import Foundation
import RefkitCore
import RefkitTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP client for the web server's tests: curl for requests (real HTTP on loopback), a raw
/// socket for Server-Sent Events, read line by line with a bounded wait.
struct WebClient: Sendable {
    let origin: String
    let token: String
    var host: String { String(origin.dropFirst("http://".count)) }

    struct Answer: Sendable {
        var status: Int
        var head: String
        var body: String
        var json: JSONValue? { try? JSONValue.parse(body) }
        var errorCode: String? {
            if case .string(let code)? = json?["error"]?["code"] { return code }
            return nil
        }
        func header(_ name: String) -> String? {
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// One request; `auth` false sends no token; `headers` are added as given; `raw` is sent as the body as it is.
    func send(
        _ method: String, _ path: String, json body: String? = nil, auth: Bool = true, headers: [String] = [], form: [String] = [],
        body raw: String? = nil
    ) async throws -> Answer {
        var arguments = ["-sS", "-i", "--max-time", "20", "--noproxy", "*", "-X", method]
        if auth { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        for field in form { arguments += ["-F", field] }
        if let raw { arguments += ["--data-binary", raw] }
        arguments.append(origin + path)
        let (status, output) = try await ChildProcess.runOffPool("/usr/bin/curl", arguments, stderr: .discard)
        guard status == 0 else { throw WebClientError("curl \(method) \(path) exited \(status): \(output)") }
        guard let split = output.range(of: "\r\n\r\n") else { throw WebClientError("no head in \(output)") }
        let head = String(output[..<split.lowerBound])
        let code = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Answer(status: code, head: head, body: String(output[split.upperBound...]))
    }

    /// Opens `/api/v1/events` (with `Last-Event-ID` when given) and reads SSE messages until
    /// `until` says stop (or 20 s pass); returns the ids and types read, in order.
    func readEvents(
        lastEventID: Int64?, until: @escaping @Sendable ([(id: Int64, type: String)]) -> Bool
    ) async throws -> [(id: Int64, type: String)] {
        let port = UInt16(origin.split(separator: ":").last!)!
        let request =
            "GET /api/v1/events HTTP/1.1\r\nHost: \(host)\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n"
            + (lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? "") + "\r\n"
        return try await offPool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw WebClientError("socket failed") }
            defer { close(fd) }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw WebClientError("connect failed") }
            _ = request.withCString { Glibc.send(fd, $0, strlen($0), 0) }
            var text = ""
            var events: [(id: Int64, type: String)] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !until(events) {
                let got = recv(fd, &buffer, buffer.count, 0)
                guard got > 0 else { break }
                text += String(decoding: buffer[..<got], as: UTF8.self)
                while !until(events), let end = text.range(of: "\n\n") {
                    let message = String(text[..<end.lowerBound])
                    text = String(text[end.upperBound...])
                    var id: Int64?
                    var type = "message"
                    for line in message.split(separator: "\n") {
                        if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                        if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                    }
                    if let id { events.append((id, type)) } else if type == "reset" { events.append((-1, type)) }
                }
            }
            return events
        }
    }
}

struct WebClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
