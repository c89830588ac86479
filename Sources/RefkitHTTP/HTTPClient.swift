import Logging

/// An HTTP client over libcurl: one thread drives every transfer through a curl multi handle.
///
/// Redirects (at most `maxRedirects`) are followed here, one hop at a time, so the URL policy
/// judges every hop before curl connects to it. Statuses are not interpreted: a 429 or a 500
/// is a normal `HTTPResponse`.
public final class HTTPClient: Sendable {
    static let maxRedirects = 5

    let logger: Logger
    let driver: TransferDriver

    public init(logger: Logger, maxConcurrentTransfers: Int = 64) {
        self.logger = logger
        self.driver = TransferDriver(maxActive: maxConcurrentTransfers)
    }

    deinit { driver.requestStop() }

    /// Sends a request and returns the final response (after redirects).
    public func send(_ request: HTTPRequest, policy: URLPolicy = URLPolicy()) async throws(HTTPError) -> HTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + request.timeout
        // A gated request's hops may each wait for a place; only the time they ran counts.
        var ran: Duration = .zero
        var hop = request
        var redirects = 0
        let requestID = driver.makeID()

        while true {
            if Task.isCancelled { throw log(.cancelled(), hop, requestID, start) }
            let url: TargetURL
            let admission: Admission
            do {
                url = try TargetURL(hop.url)
                admission = try policy.admit(url).get()
            } catch {
                throw log(error, hop, requestID, start)
            }
            let remaining = request.gate == nil ? deadline - clock.now : request.timeout - ran
            guard remaining > .zero else {
                throw log(HTTPError(code: "http_timeout", message: "the request timed out", retryable: true), hop, requestID, start)
            }
            logger.debug(
                "http request",
                metadata: [
                    "http.id": "\(requestID)", "http.method": "\(hop.method.uppercased())",
                    "http.url": "\(LogRedaction.url(url.text))", "http.hop": "\(redirects)",
                ])
            if logger.logLevel <= .trace {
                logger.trace(
                    "http request headers",
                    metadata: [
                        "http.id": "\(requestID)",
                        "http.headers": "\(LogRedaction.headers(hop.headers, secret: hop.secretHeaders))",
                    ])
            }

            let transfer = try Transfer(
                id: driver.makeID(), request: hop, url: url, pinnedAddresses: admission.pinnedAddresses,
                timeout: remaining)
            let outcome: TransferOutcome
            switch await driver.perform(transfer) {
            case .success(let value):
                outcome = value
                ran += value.ranFor
            case .failure(let error): throw log(error, hop, requestID, start)
            }
            var response = outcome.response
            response.duration = ran

            logger.debug(
                "http response",
                metadata: [
                    "http.id": "\(requestID)", "http.status": "\(response.status)", "http.bytes": "\(response.body.count)",
                    "http.duration_ms": "\((clock.now - start).milliseconds)",
                ])

            guard [301, 302, 303, 307, 308].contains(response.status), let next = outcome.redirectURL else {
                return response
            }
            redirects += 1
            guard redirects <= Self.maxRedirects else {
                throw log(.tooManyRedirects(detail: LogRedaction.url(next)), hop, requestID, start)
            }
            hop = Self.redirected(hop, from: url, to: next, status: response.status)
        }
    }

    /// Stops the driver thread; in-flight and later requests fail with `http_cancelled`.
    public func shutdown() { driver.shutdown() }

    /// The next hop of a redirect, as browsers and curl do it: 301/302 turn a POST into a GET,
    /// 303 turns anything but HEAD into a GET; 307/308 keep method and body. Credentials stay
    /// behind when the origin changes.
    static func redirected(_ request: HTTPRequest, from url: TargetURL, to next: String, status: Int) -> HTTPRequest {
        var hop = request
        hop.url = next
        let method = request.method.uppercased()
        if (status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST") {
            hop.method = "GET"
            hop.body = []
            hop.headers.removeAll { ["content-type", "content-length"].contains($0.name.lowercased()) }
        }
        let sameOrigin = (try? TargetURL(next))?.origin == url.origin
        if !sameOrigin {
            let secret = Set(request.secretHeaders.map { $0.lowercased() }).union(["authorization", "cookie", "proxy-authorization"])
            hop.headers.removeAll { secret.contains($0.name.lowercased()) }
        }
        return hop
    }

    private func log(_ error: HTTPError, _ request: HTTPRequest, _ id: UInt64, _ start: ContinuousClock.Instant) -> HTTPError {
        logger.debug(
            "http failed",
            metadata: [
                "http.id": "\(id)", "http.method": "\(request.method.uppercased())",
                "http.url": "\(LogRedaction.url(request.url))", "http.error": "\(error.code)",
                "http.duration_ms": "\((ContinuousClock.now - start).milliseconds)",
            ])
        return error
    }
}

extension HTTPClient {
    /// Driver threads this client started (always 1; for tests).
    var driverThreadsStarted: Int { driver.threadsStarted.load(ordering: .relaxed) }
    /// Distinct threads on which transfers completed (for tests).
    var completingThreadCount: Int { driver.completingThreads.withLock { $0.count } }
}
