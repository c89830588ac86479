import Foundation

/// What the server answers, from the bytes of a request head alone (no socket), so the
/// answers are tested without I/O.
extension MetricsHTTPServer {
    /// The answer to a complete request head: 405 for any method but GET and HEAD, 404 for
    /// any path but `/metrics` (a query string is ignored), else the registry's text.
    static func answer(_ head: String, registry: MetricsRegistry) -> HTTPResponse {
        // `\r\n` is one Character in Swift, so split on newline characters, not on "\n".
        let requestLine = head.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? ""
        let parts = requestLine.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else {
            return HTTPResponse(status: "400 Bad Request", body: "bad request line\n")
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard method == "GET" || method == "HEAD" else {
            return HTTPResponse(status: "405 Method Not Allowed", extraHeaders: ["Allow: GET, HEAD"], body: "only GET and HEAD\n")
        }
        guard path == "/metrics" else {
            return HTTPResponse(status: "404 Not Found", body: "not found; metrics are at /metrics\n", headOnly: method == "HEAD")
        }
        return HTTPResponse(status: "200 OK", contentType: PrometheusText.contentType, body: registry.render(), headOnly: method == "HEAD")
    }
}
