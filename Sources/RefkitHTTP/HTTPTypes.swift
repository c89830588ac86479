/// One HTTP request. Bodies are bytes; headers keep their order.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whole-transfer limit.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// The response body may not exceed this; a larger one fails with `http_response_too_large`.
    public var maxResponseBytes: Int
    /// Header names whose values never reach a log (authorization, x-goog-api-key, …).
    public var secretHeaders: Set<String>
    /// When set, the request waits (unstarted, in the client's driver) until the gate's group
    /// has fewer than `limit` transfers in flight. Every redirect hop passes the gate again.
    public var gate: TransferGate?

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(180), connectTimeout: Duration = .seconds(10), maxResponseBytes: Int = 64 << 20,
        secretHeaders: Set<String> = ["authorization", "x-goog-api-key", "x-api-key", "api-key"]
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.secretHeaders = secretHeaders
    }
}

/// A complete response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Names lowercased, in the order received (of the final response after redirects).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// How long the exchange ran, over all its hops, from each hop's start in the client's
    /// driver to its answer (waits for a `TransferGate` place excluded).
    public var duration: Duration = .zero

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }
}

/// A transfer that did not produce a response. `code` is stable (it reaches manifests).
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var detail: String
    /// Connect failures, timeouts and truncated bodies may succeed when tried again.
    public var retryable: Bool

    public init(code: String, message: String, detail: String = "", retryable: Bool) {
        self.code = code
        self.message = message
        self.detail = detail
        self.retryable = retryable
    }

    public var description: String { "\(code): \(message)\(detail.isEmpty ? "" : " (\(detail))")" }

    // Codes:
    // http_url_refused       scheme not http/https, or http to a host that is not allowed, or a
    //                        download URL that resolves to a private/loopback address when forbidden
    // http_connect_failed    DNS or TCP or TLS handshake failure (retryable)
    // http_tls_failed        certificate verification failure (final)
    // http_timeout           connect or whole-transfer timeout (retryable)
    // http_response_too_large body over maxResponseBytes (final)
    // http_truncated         the body ended before its Content-Length (retryable)
    // http_too_many_redirects (final)
    // http_cancelled         the task was cancelled
    // http_failed            anything else from libcurl (detail: curl's text and code)
}

/// Which URLs a client may fetch.
public struct URLPolicy: Sendable {
    /// Hosts that may be fetched over plain http (loopback addresses are always allowed).
    public var plainHTTPHosts: Set<String>
    /// When true, URLs whose host resolves to a loopback, private, link-local or unique-local
    /// address are refused (for URLs a provider hands back to download), except hosts listed
    /// in `trustedHosts`.
    public var refusePrivateAddresses: Bool
    public var trustedHosts: Set<String>

    public init(plainHTTPHosts: Set<String> = [], refusePrivateAddresses: Bool = false, trustedHosts: Set<String> = []) {
        self.plainHTTPHosts = plainHTTPHosts
        self.refusePrivateAddresses = refusePrivateAddresses
        self.trustedHosts = trustedHosts
    }
}
