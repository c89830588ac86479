import RefkitCore

/// What the policy decided for one URL (one hop).
struct Admission: Sendable {
    /// Addresses to pin with CURLOPT_RESOLVE (nil: no pinning, curl resolves as usual).
    var pinnedAddresses: [String]?
}

extension URLPolicy {
    /// Checks a parsed URL before any transfer: scheme, plain-http hosts, and (when asked)
    /// that the host resolves only to public addresses, which are then pinned.
    /// `getaddrinfo` blocks the calling task's thread for the length of the lookup.
    func admit(_ url: TargetURL) -> Result<Admission, HTTPError> {
        let trusted = trustedHosts.contains { normalisedHost($0) == url.host }
        if url.scheme == "http", !url.isLoopbackHost, !plainHTTPHosts.contains(where: { normalisedHost($0) == url.host }) {
            return .failure(refused("plain http is allowed only to loopback or listed hosts", url))
        }
        guard refusePrivateAddresses, !trusted else { return .success(Admission(pinnedAddresses: nil)) }
        if url.host == "localhost" || url.host.hasSuffix(".localhost") {
            return .failure(refused("the host is loopback", url))
        }
        let addresses: [String]
        switch HostResolver.addresses(of: url.host, port: url.port) {
        case .success(let found): addresses = found
        case .failure(let error): return .failure(error)
        }
        guard !addresses.isEmpty else {
            return .failure(
                HTTPError(
                    code: "http_connect_failed", message: "the host has no address", detail: url.host, retryable: true))
        }
        if let bad = addresses.first(where: { !AddressClass.isPublic($0) }) {
            return .failure(refused("the host resolves to a loopback or private address (\(bad))", url))
        }
        return .success(Admission(pinnedAddresses: addresses))
    }

    private func refused(_ message: String, _ url: TargetURL) -> HTTPError {
        HTTPError(code: "http_url_refused", message: message, detail: LogRedaction.url(url.text), retryable: false)
    }
}

private func normalisedHost(_ host: String) -> String {
    var host = host.lowercased()
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    while host.hasSuffix(".") { host.removeLast() }
    return host
}
