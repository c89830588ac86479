import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitHTTP

/// Expects `body` to throw an HTTPError with `code`, and returns it.
@discardableResult
func expectHTTPError(
    _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> HTTPResponse
) async -> HTTPError? {
    do {
        let response = try await body()
        Issue.record("expected \(code), got status \(response.status)", sourceLocation: sourceLocation)
        return nil
    } catch let error as HTTPError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected HTTPError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

@Suite(.timeLimit(.minutes(1)))
struct HTTPClientRoundTripTests {
    @Test func getSendsHeadersAndReturnsTheResponse() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/hello") { request in
            .text("hi \(request.header("x-name") ?? "?")", headers: [("X-Reply", "one")])
        }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let response = try await client.send(
            HTTPRequest(
                url: server.baseURL + "/hello?page=2", headers: [("X-Name", "refkit"), ("Accept", "text/plain")]))

        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hi refkit")
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.header("x-reply") == "one")
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
        let received = try #require(server.requests.first)
        #expect(received.method == "GET")
        #expect(received.path == "/hello")
        #expect(received.query == "page=2")
        #expect(received.header("x-name") == "refkit")
        #expect(received.body.isEmpty)
        await server.stop()
    }

    @Test func headersOfTheFinalResponseKeepOrderAndRepeats() async throws {
        let server = try RawServer(script: [
            .send(
                ("HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nX-Reply: one\r\nContent-Length: 2\r\nX-Reply: two\r\nX-Folded: a\r\n  b\r\n\r\nok").bytes), .hold,
        ])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let response = try await client.send(HTTPRequest(url: server.baseURL + "/h"))

        #expect(response.status == 200)
        #expect(response.headers.map(\.name) == ["x-reply", "content-length", "x-reply", "x-folded"])
        #expect(response.headers.filter { $0.name == "x-reply" }.map(\.value) == ["one", "two"])
        #expect(response.header("X-Folded") == "a b")
        #expect(response.header("x-interim") == nil)
        #expect(response.body == Array("ok".utf8))
    }

    @Test func postSendsTheBodyExactly() async throws {
        let server = try await LoopbackServer.start()
        server.route("POST", "/echo") { request in
            .bytes(request.body, contentType: request.header("content-type") ?? "none", status: 201)
        }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        // Large enough that curl would add "Expect: 100-continue"; includes NUL bytes.
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        let response = try await client.send(
            HTTPRequest(
                method: "POST", url: server.baseURL + "/echo", headers: [("Content-Type", "application/x-refkit")],
                body: body))

        #expect(response.status == 201)
        #expect(response.body == body)
        #expect(response.header("content-type") == "application/x-refkit")
        let received = try #require(server.requests.first)
        #expect(received.header("expect") == nil)
        #expect(received.header("content-length") == "300000")
        await server.stop()
    }

    @Test func postWithoutContentTypeIsNotLabelledAsAForm() async throws {
        let server = try await LoopbackServer.start()
        server.route("POST", "/plain") { _ in .text("ok") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        _ = try await client.send(HTTPRequest(method: "POST", url: server.baseURL + "/plain", body: Array("{}".utf8)))
        _ = try await client.send(HTTPRequest(method: "POST", url: server.baseURL + "/plain"))

        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.header("content-type") == nil })
        #expect(requests[0].bodyText == "{}")
        #expect(requests[1].header("content-length") == "0")
        await server.stop()
    }

    @Test func customMethodsKeepTheirNameAndBody() async throws {
        let server = try await LoopbackServer.start()
        server.route(nil, "/thing") { request in .text("\(request.method) \(request.bodyText)") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let put = try await client.send(HTTPRequest(method: "PUT", url: server.baseURL + "/thing", body: Array("v".utf8)))
        let delete = try await client.send(HTTPRequest(method: "DELETE", url: server.baseURL + "/thing"))

        #expect(String(decoding: put.body, as: UTF8.self) == "PUT v")
        #expect(String(decoding: delete.body, as: UTF8.self) == "DELETE ")
        #expect(server.requests.last?.header("content-length") == nil || server.requests.last?.header("content-length") == "0")
        await server.stop()
    }

    @Test func tooManyRequestsIsANormalResponse() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/busy") { _ in .json(#"{"error":"slow down"}"#, status: 429, headers: [("Retry-After", "7")]) }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let response = try await client.send(HTTPRequest(url: server.baseURL + "/busy"))

        #expect(response.status == 429)
        #expect(response.header("retry-after") == "7")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"slow down"}"#)
        await server.stop()
    }

    @Test func twoHundredConcurrentRequestsShareOneDriverThread() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/n/*") { request in .text(String(request.path.dropFirst(3))) }
        let client = HTTPClient(logger: quietLogger(), maxConcurrentTransfers: 64)
        defer { client.shutdown() }

        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let response = try await client.send(HTTPRequest(url: server.baseURL + "/n/\(index)"))
                    return (index, String(decoding: response.body, as: UTF8.self))
                }
            }
            var results: [Int: String] = [:]
            for try await (index, text) in group { results[index] = text }
            return results
        }

        #expect(results.count == 200)
        #expect(results.allSatisfy { String($0.key) == $0.value })
        #expect(client.driverThreadsStarted == 1)
        #expect(client.completingThreadCount == 1)
        await server.stop()
    }

    @Test func redirectsAreFollowedAndTheFinalHeadersKept() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/a") { _ in Response(status: 301, headers: [("Location", "/b"), ("X-Hop", "a")]) }
        server.route("GET", "/b") { _ in Response(status: 302, headers: [("Location", "c?x=1"), ("X-Hop", "b")]) }
        server.route("GET", "/c") { request in .text("end \(request.query)", headers: [("X-Hop", "c")]) }
        server.route("POST", "/form") { _ in .redirect(to: "/c", status: 303) }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let response = try await client.send(HTTPRequest(url: server.baseURL + "/a"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "end x=1")
        #expect(response.headers.filter { $0.name == "x-hop" }.map(\.value) == ["c"])

        let afterPost = try await client.send(HTTPRequest(method: "POST", url: server.baseURL + "/form", body: Array("q".utf8)))
        #expect(afterPost.status == 200)
        #expect(server.requests.last?.method == "GET")
        await server.stop()
    }

    @Test func redirectLoopFailsWithTooManyRedirects() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/loop") { _ in .redirect(to: "/loop") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let error = await expectHTTPError("http_too_many_redirects") {
            try await client.send(HTTPRequest(url: server.baseURL + "/loop"))
        }
        #expect(error?.retryable == false)
        #expect(server.requests(to: "/loop").count == HTTPClient.maxRedirects + 1)
        await server.stop()
    }

    @Test func credentialsDoNotFollowARedirectToAnotherOrigin() async throws {
        let target = try await LoopbackServer.start()
        target.route("GET", "/landing") { _ in .text("ok") }
        let origin = try await LoopbackServer.start()
        origin.route("GET", "/away") { _ in .redirect(to: target.baseURL + "/landing") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        _ = try await client.send(
            HTTPRequest(
                url: origin.baseURL + "/away", headers: [("Authorization", "Bearer s3"), ("X-Goog-Api-Key", "k"), ("X-Keep", "1")]))

        let landed = try #require(target.requests.first)
        #expect(landed.header("authorization") == nil)
        #expect(landed.header("x-goog-api-key") == nil)
        #expect(landed.header("x-keep") == "1")
        #expect(origin.requests.first?.header("authorization") == "Bearer s3")
        await origin.stop()
        await target.stop()
    }

    @Test func multipartBodyReachesTheServerParseable() async throws {
        let server = try await LoopbackServer.start()
        server.route("POST", "/upload") { _ in .text("ok") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        var form = MultipartForm()
        form.addField(name: "prompt", value: "a red fox")
        let image: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2]
        form.addFile(name: "image", filename: "fox.png", contentType: "image/png", bytes: image)

        _ = try await client.send(
            HTTPRequest(
                method: "POST", url: server.baseURL + "/upload", headers: [("Content-Type", form.contentType)], body: form.body))

        let received = try #require(server.requests.first)
        let contentType = try #require(received.header("content-type"))
        let parts = try MultipartParser.parse(body: received.body, contentType: contentType)
        #expect(parts.count == 2)
        #expect(parts[0].headers["content-disposition"] == #"form-data; name="prompt""#)
        #expect(parts[0].body == Array("a red fox".utf8))
        #expect(parts[1].headers["content-disposition"] == #"form-data; name="image"; filename="fox.png""#)
        #expect(parts[1].headers["content-type"] == "image/png")
        #expect(parts[1].body == image)
        await server.stop()
    }
}

typealias Response = LoopbackServer.Response

@Suite(.timeLimit(.minutes(1)))
struct HTTPClientFailureTests {
    @Test func stalledServerTimesOut() async throws {
        let server = try RawServer(script: [
            .send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst".bytes), .hold,
        ])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let start = ContinuousClock.now
        let error = await expectHTTPError("http_timeout") {
            try await client.send(HTTPRequest(url: server.baseURL + "/slow", timeout: .milliseconds(400)))
        }
        #expect(error?.retryable == true)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func closedPortFailsToConnect() async throws {
        let port = try RawServer.closedPort()
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let error = await expectHTTPError("http_connect_failed") {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.retryable == true)
    }

    @Test func bodyShorterThanContentLengthIsTruncated() async throws {
        let server = try RawServer(script: [
            .send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789".bytes), .close,
        ])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let error = await expectHTTPError("http_truncated") {
            try await client.send(HTTPRequest(url: server.baseURL + "/cut"))
        }
        #expect(error?.retryable == true)
        #expect(error?.detail.contains("curl 18") == true, "\(String(describing: error))")
    }

    @Test func oversizedResponseWithContentLengthIsRefused() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/big") { _ in .bytes([UInt8](repeating: 7, count: 5000)) }
        server.route("GET", "/exact") { _ in .bytes([UInt8](repeating: 7, count: 1000)) }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let error = await expectHTTPError("http_response_too_large") {
            try await client.send(HTTPRequest(url: server.baseURL + "/big", maxResponseBytes: 1000))
        }
        #expect(error?.retryable == false)
        // With a Content-Length, CURLOPT_MAXFILESIZE_LARGE refuses before the body is read.
        #expect(error?.detail.contains("curl 63") == true, "\(String(describing: error))")
        let exact = try await client.send(HTTPRequest(url: server.baseURL + "/exact", maxResponseBytes: 1000))
        #expect(exact.body.count == 1000)
        await server.stop()
    }

    @Test func oversizedChunkedResponseIsRefused() async throws {
        let chunk = String(repeating: "x", count: 0x400)
        var response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<8 { response += "400\r\n\(chunk)\r\n" }
        response += "0\r\n\r\n"
        let server = try RawServer(script: [.send(response.bytes), .hold])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let error = await expectHTTPError("http_response_too_large") {
            try await client.send(HTTPRequest(url: server.baseURL + "/chunked", maxResponseBytes: 3000))
        }
        // Without a length only the write callback's cap catches it (it returns 0: CURLE_WRITE_ERROR).
        #expect(error?.detail.contains("curl 23") == true, "\(String(describing: error))")
        let whole = try await client.send(HTTPRequest(url: server.baseURL + "/chunked", maxResponseBytes: 8192))
        #expect(whole.body.count == 8192)
    }

    /// CURLOPT_MAXFILESIZE_LARGE sees the compressed Content-Length; the write callback sees the
    /// decoded bytes, so only it stops a gzip bomb.
    @Test func decompressedSizeIsWhatCounts() async throws {
        // gzip of 1,000,000 zero bytes (1003 bytes), as base64 with its long run of "A" folded.
        let base64 = "H4sIAAAAAAACA+3BAQEAAACCIP+vbkhAAQ" + String(repeating: "A", count: 1290) + "rwaey3kSQEIPAA=="
        let gzip = [UInt8](try #require(Data(base64Encoded: base64)))
        #expect(gzip.count == 1003)
        let head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: \(gzip.count)\r\n\r\n"
        let server = try RawServer(script: [.send(head.bytes + gzip), .hold])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        await expectHTTPError("http_response_too_large") {
            try await client.send(HTTPRequest(url: server.baseURL + "/bomb", maxResponseBytes: 100_000))
        }
        let whole = try await client.send(HTTPRequest(url: server.baseURL + "/bomb", maxResponseBytes: 1_000_000))
        #expect(whole.body.count == 1_000_000)
        #expect(server.requestHeads.first?.lowercased().contains("accept-encoding:") == true)
    }

    @Test func oversizedResponseWithoutLengthIsRefused() async throws {
        // HTTP/1.0 style: no length, the body ends when the connection closes.
        let body = String(repeating: "y", count: 6000)
        let server = try RawServer(script: [.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n\(body)".bytes), .close])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        await expectHTTPError("http_response_too_large") {
            try await client.send(HTTPRequest(url: server.baseURL + "/eof", maxResponseBytes: 2000))
        }
    }

    @Test func cancellationStopsAnInFlightRequestPromptly() async throws {
        let server = try RawServer(script: [.hold])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let task = Task { () async throws -> HTTPResponse in
            try await client.send(HTTPRequest(url: server.baseURL + "/forever", timeout: .seconds(50)))
        }
        // Wait until the server holds the request, so the transfer is really in flight.
        var iterator = server.accepted.makeAsyncIterator()
        _ = await iterator.next()
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result

        #expect(ContinuousClock.now - start < .seconds(2))
        switch result {
        case .success(let response): Issue.record("expected cancellation, got \(response.status)")
        case .failure(let error): #expect((error as? HTTPError)?.code == "http_cancelled")
        }
    }

    @Test func aCancelledTaskDoesNotStartATransfer() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/never") { _ in .text("no") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let task = Task { () async throws -> HTTPResponse in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(HTTPRequest(url: server.baseURL + "/never"))
        }
        if case .failure(let error) = await task.result {
            #expect((error as? HTTPError)?.code == "http_cancelled")
        } else {
            Issue.record("expected http_cancelled")
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test func aQueuedRequestCanBeCancelledWhileAnotherHoldsTheOnlySlot() async throws {
        let server = try RawServer(script: [.hold])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger(), maxConcurrentTransfers: 1)
        defer { client.shutdown() }

        let first = Task { try await client.send(HTTPRequest(url: server.baseURL + "/first", timeout: .seconds(50))) }
        var accepted = server.accepted.makeAsyncIterator()
        _ = await accepted.next()
        let second = Task { try await client.send(HTTPRequest(url: server.baseURL + "/second", timeout: .seconds(50))) }
        second.cancel()
        let secondResult = await second.result
        #expect((secondResult.failure as? HTTPError)?.code == "http_cancelled")
        first.cancel()
        #expect((await first.result.failure as? HTTPError)?.code == "http_cancelled")
    }

    @Test func shutdownFailsInFlightRequests() async throws {
        let server = try RawServer(script: [.hold])
        defer { server.stop() }
        let client = HTTPClient(logger: quietLogger())

        let task = Task { try await client.send(HTTPRequest(url: server.baseURL + "/held", timeout: .seconds(50))) }
        var accepted = server.accepted.makeAsyncIterator()
        _ = await accepted.next()
        client.shutdown()
        #expect((await task.result.failure as? HTTPError)?.code == "http_cancelled")
    }

    @Test func requestsAfterShutdownAreCancelled() async throws {
        let client = HTTPClient(logger: quietLogger())
        client.shutdown()
        client.shutdown()
        await expectHTTPError("http_cancelled") {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:9/"))
        }
    }
}

@Suite(.timeLimit(.minutes(1)))
struct HTTPClientPolicyTests {
    @Test(arguments: [
        "file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/1", "127.0.0.1/no-scheme", "http://", "javascript:alert(1)",
    ])
    func nonHTTPSchemesAreRefused(url: String) async throws {
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        await expectHTTPError("http_url_refused") { try await client.send(HTTPRequest(url: url)) }
    }

    @Test(arguments: ["http://example.com/", "http://203.0.113.9:8080/x", "http://LOCALHOST.example/"])
    func plainHTTPToAnOrdinaryHostIsRefused(url: String) async throws {
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        await expectHTTPError("http_url_refused") {
            try await client.send(HTTPRequest(url: url), policy: URLPolicy(plainHTTPHosts: ["other.example"]))
        }
    }

    @Test func plainHTTPToLoopbackIsAllowed() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/ok") { _ in .text("ok") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        for host in ["127.0.0.1", "localhost"] {
            let response = try await client.send(HTTPRequest(url: "http://\(host):\(server.port)/ok"))
            #expect(response.status == 200)
        }
        await server.stop()
    }

    @Test func privateAddressesAreRefusedWhenAsked() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/secret") { _ in .text("internal") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        let policy = URLPolicy(refusePrivateAddresses: true)

        for url in [
            server.baseURL + "/secret", "http://localhost:\(server.port)/secret", "http://[::1]:\(server.port)/secret",
            "http://127.1:\(server.port)/secret", "http://0x7f000001:\(server.port)/secret",
        ] {
            await expectHTTPError("http_url_refused") { try await client.send(HTTPRequest(url: url), policy: policy) }
        }
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test func aRedirectFromATrustedHostToLoopbackIsRefused() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/hop") { _ in .redirect(to: "http://127.0.0.1:\(server.port)/internal") }
        server.route("GET", "/internal") { _ in .text("internal") }
        server.route("GET", "/fine") { _ in .text("fine") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        let policy = URLPolicy(refusePrivateAddresses: true, trustedHosts: ["localhost"])

        // The trusted host itself is reachable...
        let fine = try await client.send(HTTPRequest(url: "http://localhost:\(server.port)/fine"), policy: policy)
        #expect(fine.status == 200)
        // ...but a hop it points at is judged on its own.
        await expectHTTPError("http_url_refused") {
            try await client.send(HTTPRequest(url: "http://localhost:\(server.port)/hop"), policy: policy)
        }
        #expect(server.requests(to: "/hop").count == 1)
        #expect(server.requests(to: "/internal").isEmpty)
        await server.stop()
    }

    @Test func aRedirectToAnotherSchemeIsRefused() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/to-file") { _ in .redirect(to: "file:///etc/passwd") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }
        await expectHTTPError("http_url_refused") { try await client.send(HTTPRequest(url: server.baseURL + "/to-file")) }
        await server.stop()
    }

    @Test func listedPlainHTTPHostsAndHTTPSPassThePolicy() throws {
        let policy = URLPolicy(plainHTTPHosts: ["images.example"])
        #expect(throws: Never.self) { try policy.admit(TargetURL("http://IMAGES.example./a.png")).get() }
        #expect(throws: Never.self) { try URLPolicy().admit(TargetURL("https://anything.example/")).get() }
        #expect(throws: HTTPError.self) { try URLPolicy().admit(TargetURL("http://images.example/")).get() }
    }

    /// The second line of defence: even with an address pinned, the connection's actual peer is
    /// checked before the request is sent (CURLOPT_PREREQFUNCTION).
    @Test func aPinnedTransferRefusesAPrivatePeerBeforeSending() async throws {
        let server = try await LoopbackServer.start()
        server.route("GET", "/internal") { _ in .text("internal") }
        let client = HTTPClient(logger: quietLogger())
        defer { client.shutdown() }

        let request = HTTPRequest(url: server.baseURL + "/internal")
        let transfer = try Transfer(
            id: client.driver.makeID(), request: request, url: TargetURL(request.url), pinnedAddresses: ["127.0.0.1"],
            timeout: .seconds(10))
        let result = await client.driver.perform(transfer)

        #expect(result.failure?.code == "http_url_refused")
        #expect(server.requests.isEmpty)
        await server.stop()
    }

    @Test func secretsNeverReachTheLog() async throws {
        let server = try await LoopbackServer.start()
        server.route(nil, "/gen") { _ in .json(#"{"answer":"RESPONSE-SECRET-4"}"#) }
        server.route("GET", "/to-gen") { _ in .redirect(to: "/gen?api_key=SECRET-5&x=1") }
        let log = CapturedLog()
        let client = HTTPClient(logger: log.logger("test.http"))
        defer { client.shutdown() }

        _ = try await client.send(
            HTTPRequest(
                method: "POST", url: server.baseURL + "/gen?key=SECRET-1&alt=json",
                headers: [("Authorization", "Bearer SECRET-2"), ("x-goog-api-key", "SECRET-3"), ("X-Custom-Token", "SECRET-6")],
                body: Array(#"{"prompt":"BODY-SECRET-7"}"#.utf8), secretHeaders: ["authorization", "x-goog-api-key", "x-custom-token"]))
        _ = try await client.send(HTTPRequest(url: server.baseURL + "/to-gen"))
        await expectHTTPError("http_connect_failed") {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:\(try RawServer.closedPort())/x?token=SECRET-8"))
        }

        let lines = log.all
        #expect(lines.contains { $0.contains("http request") })
        #expect(lines.contains { $0.contains("http response") && $0.contains("http.status=200") })
        #expect(lines.contains { $0.contains("key=REDACTED") && $0.contains("alt=json") })
        #expect(lines.contains { $0.contains("x-goog-api-key: REDACTED") })
        for line in lines {
            #expect(!line.contains("SECRET"), "leaked: \(line)")
        }
        // The server did receive them: redaction is for the log only.
        #expect(server.requests.first?.header("authorization") == "Bearer SECRET-2")
        await server.stop()
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
