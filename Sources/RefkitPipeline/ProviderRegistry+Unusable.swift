import Logging

extension ProviderRegistry {
    /// Logs each configured provider (and the analyzer) that cannot be used, with why (most
    /// often a missing credential). Called once at start-up: without it the daemon starts
    /// silently and the first kit that names such a provider fails.
    public func warnUnusable(logger: Logger) {
        for name in entries.keys.sorted() {
            guard let why = entries[name]?.unavailable else { continue }
            logger.warning(
                "provider cannot be used; stages that ask for it fail", metadata: ["provider": "\(name)", "reason": "\(why)"])
        }
        if let why = analyzerUnavailable {
            logger.warning("analyzer cannot be used; kits that ask for analysis go on without it", metadata: ["reason": "\(why)"])
        }
    }
}
