import CCurl
import RefkitCore

/// A URL parsed by libcurl's own parser (`CURLU`), so the host checked by the policy is exactly
/// the host curl connects to; the easy handle is given this handle (CURLOPT_CURLU), not the text.
/// Providers and the Civitai client read hosts through it too, so no URL is parsed by hand.
public final class TargetURL: @unchecked Sendable {
    let handle: OpaquePointer
    /// Lowercased: "http" or "https" (anything else is refused before a transfer exists).
    public let scheme: String
    /// Lowercased, without IPv6 brackets, zone or a trailing dot.
    public let host: String
    /// The port the URL names, else its scheme's default (80, 443).
    public let port: Int
    /// The text curl will request (normalised by curl).
    let text: String

    /// Parses an absolute http(s) URL; anything else is `http_url_refused`.
    public init(_ string: String) throws(HTTPError) {
        _ = curlGlobalInit
        guard let handle = curl_url() else {
            throw HTTPError(code: "http_failed", message: "curl_url failed", retryable: false)
        }
        self.handle = handle
        func refused(_ why: String) -> HTTPError {
            HTTPError(code: "http_url_refused", message: why, detail: LogRedaction.url(string), retryable: false)
        }
        // No CURLU_GUESS_SCHEME and no CURLU_NON_SUPPORT_SCHEME: a URL must name its scheme.
        let setCode = curl_url_set(handle, CURLUPART_URL, string, 0)
        guard setCode == CURLUE_OK else {
            curl_url_cleanup(handle)
            throw refused("the URL could not be parsed (\(String(cString: curl_url_strerror(setCode))))")
        }
        func part(_ which: CURLUPart, flags: UInt32 = 0) -> String? {
            var pointer: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &pointer, flags) == CURLUE_OK, let pointer else { return nil }
            defer { curl_free(pointer) }
            return String(cString: pointer)
        }
        let scheme = part(CURLUPART_SCHEME)?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            curl_url_cleanup(handle)
            throw refused("only http and https URLs may be fetched (got \(scheme.isEmpty ? "none" : scheme))")
        }
        var host = part(CURLUPART_HOST)?.lowercased() ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // A zone id ("fe80::1%25eth0") does not change which kind of address it is.
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }
        while host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty, let portText = part(CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)),
            let port = Int(portText)
        else {
            curl_url_cleanup(handle)
            throw refused("the URL has no host")
        }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.text = part(CURLUPART_URL) ?? string
    }

    deinit { curl_url_cleanup(handle) }

    var hostIsLiteralAddress: Bool { AddressClass.parse(host) != nil }

    /// The host as CURLOPT_RESOLVE spells it.
    var hostForResolve: String { host }

    var isLoopbackHost: Bool { AddressClass.isLoopbackHost(host) }

    /// Scheme, host and port: what decides whether credentials may travel along a redirect.
    var origin: String { "\(scheme)://\(host):\(port)" }
}
