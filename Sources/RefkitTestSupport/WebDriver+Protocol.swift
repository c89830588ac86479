import Foundation
import RefkitCore
import RefkitHTTP

#if canImport(Glibc)
import Glibc
#endif

/// A WebDriver command that failed: the driver's error and message, or what went wrong around it.
public struct WebDriverError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension WebDriver {
    /// One command of this session: `path` is below `/session/ID`; returns the answer's `value`.
    func command(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        let answer = try await Self.call(client, method, session + path, body)
        return answer["value"] ?? .null
    }

    /// Sends one request to the driver and parses its JSON; a W3C error (`value.error`) throws.
    static func call(_ client: HTTPClient, _ method: String, _ url: String, _ body: JSONValue?) async throws -> JSONValue {
        let request = HTTPRequest(
            method: method, url: url, headers: body == nil ? [] : [("Content-Type", "application/json")],
            body: body.map { Array($0.serialized.utf8) } ?? [], timeout: .seconds(60))
        let response = try await client.send(request)
        let json: JSONValue
        do {
            json = try JSONValue.parse(response.body)
        } catch {
            throw WebDriverError(
                "\(method) \(url): HTTP \(response.status), not JSON: \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        if case .string(let error)? = json["value"]?["error"] {
            let message = json["value"]?["message"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? ""
            throw WebDriverError("\(method) \(url): \(error): \(message.prefix(500))")
        }
        return json
    }

    static func locator(_ css: String) -> JSONValue {
        .object([("using", .string("css selector")), ("value", .string(css))])
    }

    static func element(_ value: JSONValue) throws -> Element {
        guard case .string(let id)? = value[elementKey] else { throw WebDriverError("not an element reference: \(value.serialized)") }
        return Element(id: id)
    }

    /// A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0), for the driver to listen on.
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WebDriverError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw WebDriverError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension JSONValue {
    /// The string, or the JSON text of anything else (a driver's answer read as text).
    var stringValue: String {
        if case .string(let s) = self { return s }
        return serialized
    }
}
