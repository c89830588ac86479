import Logging

extension Daemon {
    /// Once at start-up: each configured provider (and the analyzer) that cannot be used, with
    /// why (most often a missing credential). Without this the daemon starts silently and the
    /// first kit that names such a provider fails.
    func warnUnusableProviders() {
        let registry = generations.latest.scheduler.registry
        for name in registry.entries.keys.sorted() {
            guard let why = registry.entries[name]?.unavailable else { continue }
            logger.warning(
                "provider cannot be used; stages that ask for it fail", metadata: ["provider": "\(name)", "reason": "\(why)"])
        }
        if let why = registry.analyzerUnavailable {
            logger.warning("analyzer cannot be used; kits that ask for analysis go on without it", metadata: ["reason": "\(why)"])
        }
    }
}
