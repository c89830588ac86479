extension URLPolicy {
    /// The policy for calls to a configured base URL: its host may be spoken to over plain
    /// http (loopback always may; any other http base URL was configured deliberately by the
    /// operator, and the configuration check has already refused unlisted ones).
    public init(forBaseURL baseURL: String) {
        guard let url = try? TargetURL(baseURL), url.scheme == "http" else {
            self.init()
            return
        }
        self.init(plainHTTPHosts: [url.host])
    }
}
