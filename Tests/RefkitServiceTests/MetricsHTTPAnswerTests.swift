import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitService

/// What `/metrics` answers: decided from the request head alone, then checked on a real
/// connection where the bytes on the wire matter (bare line feeds, a head that never ends).
@Suite(.timeLimit(.minutes(1)))
struct MetricsHTTPAnswerTests {
    @Test func getHeadOtherPathsAndMethods() {
        let metrics = RefkitMetrics()
        metrics.queueDepth.set(2)
        let get = MetricsHTTPServer.answer("GET /metrics?x=1 HTTP/1.1\r\nHost: a", registry: metrics.registry)
        #expect(get.status == "200 OK")
        #expect(get.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(get.text == metrics.registry.render())
        let getBytes = String(decoding: get.bytes, as: UTF8.self)
        #expect(getBytes.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(getBytes.contains("Connection: close\r\n"))

        // HEAD: the same head, with the length of the body it leaves out.
        let head = MetricsHTTPServer.answer("HEAD /metrics HTTP/1.0", registry: metrics.registry)
        let headBytes = String(decoding: head.bytes, as: UTF8.self)
        #expect(headBytes.hasSuffix("\r\n\r\n"))
        #expect(headBytes.contains("Content-Length: \(get.body.count)\r\n"))

        #expect(MetricsHTTPServer.answer("GET /other HTTP/1.0", registry: metrics.registry).status == "404 Not Found")
        #expect(MetricsHTTPServer.answer("HEAD /other HTTP/1.0", registry: metrics.registry).headOnly)
        for method in ["POST", "PUT", "DELETE"] {
            for path in ["/metrics", "/other"] {
                let refused = MetricsHTTPServer.answer("\(method) \(path) HTTP/1.1", registry: metrics.registry)
                #expect(refused.status == "405 Method Not Allowed")
                #expect(refused.extraHeaders == ["Allow: GET, HEAD"])
            }
        }
        #expect(MetricsHTTPServer.answer("GET /metrics", registry: metrics.registry).status == "400 Bad Request")
        #expect(MetricsHTTPServer.answer("hello", registry: metrics.registry).status == "400 Bad Request")
    }

    /// A head ends at a blank line with CRLF or bare LF line ends; a head that never ends gets
    /// 400 after `requestTimeout`.
    @Test func bareLineFeedsAndAStalledHeadOnTheWire() async throws {
        let server = try MetricsHTTPServer(host: "127.0.0.1", port: 0, registry: RefkitMetrics().registry)
        server.start()
        for head in [#"GET /metrics HTTP/1.0\r\n\r\n"#, #"GET /metrics HTTP/1.0\n\n"#] {
            let answer = try await raw(head, port: server.port)
            #expect(answer.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(head): \(answer)")
        }
        let started = ContinuousClock.now
        let stalled = try await raw(#"GET /metrics HTTP/1.0\r\nHost: x\r\n"#, port: server.port)
        #expect(stalled.hasPrefix("HTTP/1.0 400 Bad Request\r\n"), "\(stalled)")
        #expect(ContinuousClock.now - started >= MetricsHTTPServer.requestTimeout - .milliseconds(100))
        await server.stop()
    }

    /// Sends `head` (printf escapes) on a plain TCP connection and returns what the server
    /// answers until it closes the connection.
    private func raw(_ head: String, port: UInt16) async throws -> String {
        let script = "exec 3<>/dev/tcp/127.0.0.1/\(port) && printf '\(head)' >&3 && timeout 20 cat <&3"
        return try await ChildProcess.runOffPool("/bin/bash", ["-c", script], stderr: .discard).output
    }
}
