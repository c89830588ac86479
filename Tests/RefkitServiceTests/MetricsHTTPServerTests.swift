import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitService

@Suite(.timeLimit(.minutes(1)))
struct MetricsHTTPServerTests {
    @Test func servesMetricsToCurl() async throws {
        let metrics = RefkitMetrics()
        metrics.queueDepth.set(4)
        let server = try MetricsHTTPServer(host: "127.0.0.1", port: 0, registry: metrics.registry)
        #expect(server.port != 0)
        let serving = Task { await server.run() }
        defer { serving.cancel() }

        let ok = try await curl(["-sS", "-i", server.url])
        #expect(ok.status == 0)
        let (head, body) = split(ok.output)
        #expect(head.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(head.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(body == metrics.registry.render())
        #expect(body.contains("refkit_queue_depth 4\n"))

        let missing = try await curl(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/other"])
        #expect(missing.output == "404")
        let post = try await curl(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", server.url])
        #expect(post.output == "405")
        let huge = try await curl([
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Big: \(String(repeating: "a", count: 9000))", server.url,
        ])
        #expect(huge.output == "431")
        let withQuery = try await curl(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(server.url)?x=1"])
        #expect(withQuery.output == "200")

        serving.cancel()
        await serving.value
        server.shutdown()
        let refused = try await curl(["-sS", "--max-time", "5", server.url])
        #expect(refused.status != 0)
    }

    @Test func servesOnIPv6Loopback() async throws {
        let server = try MetricsHTTPServer(host: "[::1]", port: 0, registry: RefkitMetrics().registry)
        server.start()
        #expect(server.url == "http://[::1]:\(server.port)/metrics")
        let answer = try await curl(["-sS", "-o", "/dev/null", "-w", "%{http_code}", server.url])
        #expect(answer.output == "200")
        await server.stop()
    }

    @Test func refusesAddressesThatAreNotLoopback() {
        let registry = MetricsRegistry()
        for host in ["0.0.0.0", "::", "192.168.1.10", "[2001:db8::1]"] {
            #expect(throws: MetricsHTTPServerError.notLoopback(host)) { try MetricsHTTPServer(host: host, port: 0, registry: registry) }
        }
        #expect(throws: MetricsHTTPServerError.invalidAddress("metrics.example.com")) {
            try MetricsHTTPServer(host: "metrics.example.com", port: 0, registry: registry)
        }
        #expect(MetricsHTTPServerError.notLoopback("0.0.0.0").description.contains("not a loopback address"))
    }

    @Test func acceptsEveryLoopbackForm() throws {
        for host in ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"] {
            let server = try MetricsHTTPServer(host: host, port: 0, registry: MetricsRegistry())
            server.shutdown()  // never started: the listener closes at once
        }
    }

    @Test func aTakenPortIsACleanError() throws {
        let first = try MetricsHTTPServer(host: "127.0.0.1", port: 0, registry: MetricsRegistry())
        defer { first.shutdown() }
        #expect(throws: MetricsHTTPServerError.self) {
            try MetricsHTTPServer(host: "127.0.0.1", port: first.port, registry: MetricsRegistry())
        }
        do {
            _ = try MetricsHTTPServer(host: "127.0.0.1", port: first.port, registry: MetricsRegistry())
        } catch {
            #expect(error.code == "metrics_listen_failed")
            #expect(
                error.description == "cannot serve metrics on 127.0.0.1 port \(first.port): bind failed: Address already in use (errno 98)")
        }
    }

    @Test func findsTheEndOfTheRequestHead() {
        #expect(MetricsHTTPServer.endOfHead(Array("GET / HTTP/1.0\r\n\r\n".utf8)) == 14)
        #expect(MetricsHTTPServer.endOfHead(Array("GET / HTTP/1.0\n\n".utf8)) == 14)
        #expect(MetricsHTTPServer.endOfHead(Array("GET / HTTP/1.0\r\nHost: x\r\n".utf8)) == nil)
    }

    /// Runs curl (never on a Swift concurrency thread: the wait happens in the termination handler).
    private func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.runOffPool("/usr/bin/curl", ["--max-time", "10", "--noproxy", "*"] + arguments, stderr: .discard)
    }

    private func split(_ response: String) -> (head: String, body: String) {
        guard let range = response.range(of: "\r\n\r\n") else { return (response, "") }
        return (String(response[..<range.upperBound]), String(response[range.upperBound...]))
    }
}
