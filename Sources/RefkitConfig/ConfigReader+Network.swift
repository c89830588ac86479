import Foundation
import RefkitCore

/// Where the configuration sends credentials and where it listens: plain http only to loopback
/// or to hosts the file lists in `plain_http_hosts`, and `[metrics] listen` on loopback only.
/// Both are checked here, with the key's line, so `doctor`, `check` and `run` refuse the same files.
extension ConfigReader {
    /// Refuses an `http://` URL (provider `base_url` and `endpoints`, `[analyzer]` and
    /// `[civitai]` `base_url`) to a host that is neither loopback nor in `plain_http_hosts`:
    /// the API key would cross the network in clear text.
    func checkPlainHTTP(_ configuration: Configuration, listed node: ConfigNode?) throws(ConfigError) {
        var allowed = Set<String>()
        if let node {
            guard case .array(let items) = node else { throw fail("plain_http_hosts", "must be an array of host names") }
            for (i, item) in items.enumerated() {
                guard case .string(let host) = item, !host.isEmpty else { throw fail("plain_http_hosts[\(i)]", "must be a host name") }
                allowed.insert(PlainHTTP.normalisedHost(host))
            }
        }
        for endpoint in configuration.clearTextEndpoints where !allowed.contains(endpoint.host) {
            throw fail(
                endpoint.key,
                "plain http to \(endpoint.host) would send the API key in clear text: use https://, or list the host in "
                    + "plain_http_hosts (a ComfyUI box on a trusted LAN)")
        }
    }

    /// `[metrics] listen` serves without authentication: loopback addresses only.
    func checkLoopbackListen(_ listen: String) throws(ConfigError) {
        let host = String(listen[..<(listen.lastIndex(of: ":") ?? listen.endIndex)])
        guard AddressClass.isLoopbackHost(PlainHTTP.normalisedHost(host)) else {
            throw fail(
                "metrics.listen", "\(host) is not a loopback address: metrics are served without authentication (use 127.0.0.1 or [::1])")
        }
    }
}

extension Configuration {
    /// Every `http://` URL in the file to a host that is not loopback, by key (the
    /// `plain_http_hosts` the file lists made them acceptable): `doctor` reports them.
    public var clearTextEndpoints: [(key: String, url: String, host: String)] {
        var urls: [(key: String, url: String)] = []
        for name in providers.keys.sorted() {
            let provider = providers[name]!
            if let base = provider.baseURL { urls.append(("providers.\(name).base_url", base)) }
            let endpoints = provider.extra["endpoints"]?.split(separator: ",").map(String.init) ?? []
            for (i, url) in endpoints.enumerated() { urls.append(("providers.\(name).endpoints[\(i)]", url)) }
        }
        if let analyzer { urls.append(("analyzer.base_url", analyzer.baseURL)) }
        urls.append(("civitai.base_url", civitai.baseURL))
        return urls.compactMap { entry in
            guard let host = PlainHTTP.host(ofHTTPURL: entry.url), !AddressClass.isLoopbackHost(host) else { return nil }
            return (entry.key, entry.url, host)
        }
    }
}

/// Hosts of plain-http URLs and listen addresses, normalised (values only, no lookups; whether
/// one is loopback is `AddressClass`'s call). The configuration cannot link libcurl's parser.
public enum PlainHTTP {
    /// The host of an `http://` URL, normalised; nil for any other scheme.
    public static func host(ofHTTPURL url: String) -> String? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        let authority = url.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = String(authority.split(separator: "@", omittingEmptySubsequences: false).last ?? "")
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }) + "]"
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return normalisedHost(host)
    }

    /// Lowercased, without IPv6 brackets or a trailing dot.
    public static func normalisedHost(_ host: String) -> String {
        var host = host.trimmingCharacters(in: .whitespaces).lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }
}
