/// What a reload from one configuration to the next changes, by name: the daemon logs it as
/// `configuration reloaded`. Watches compare by name, providers by key, both by their settings.
public struct ConfigurationChanges: Sendable, Equatable {
    public var watchesAdded: [String] = []
    public var watchesRemoved: [String] = []
    public var watchesChanged: [String] = []
    public var providersAdded: [String] = []
    public var providersRemoved: [String] = []
    public var providersChanged: [String] = []
    public var limitsChanged = false

    public init(from old: Configuration, to new: Configuration) {
        func diff<T>(_ a: [String: T], _ b: [String: T]) -> (added: [String], removed: [String], changed: [String]) {
            let added = Set(b.keys).subtracting(a.keys).sorted()
            let removed = Set(a.keys).subtracting(b.keys).sorted()
            let changed = Set(a.keys).intersection(b.keys).filter { String(describing: a[$0]!) != String(describing: b[$0]!) }.sorted()
            return (added, removed, changed)
        }
        let watches = diff(
            Dictionary(uniqueKeysWithValues: old.watches.map { ($0.name, $0) }),
            Dictionary(uniqueKeysWithValues: new.watches.map { ($0.name, $0) }))
        (watchesAdded, watchesRemoved, watchesChanged) = watches
        (providersAdded, providersRemoved, providersChanged) = diff(old.providers, new.providers)
        limitsChanged = String(describing: old.limits) != String(describing: new.limits)
    }

    /// The changes as the `configuration reloaded` line's fields: names joined by commas, `-` for none.
    public var logFields: [String: String] {
        func list(_ names: [String]) -> String { names.isEmpty ? "-" : names.joined(separator: ",") }
        return [
            "watches_added": list(watchesAdded), "watches_removed": list(watchesRemoved), "watches_changed": list(watchesChanged),
            "providers_added": list(providersAdded), "providers_removed": list(providersRemoved),
            "providers_changed": list(providersChanged), "limits_changed": "\(limitsChanged)",
        ]
    }
}

extension Configuration {
    /// Sets the keys a running daemon cannot change (`state_dir`: its lock and database;
    /// `log_level`: the logger is set up once; `metrics.listen` and `web`: the bound sockets; `hook`: the
    /// dispatcher and the secrets it read at start) back to their values in `running`; returns the names
    /// of those the file asked to change.
    public mutating func keepRunningValues(of running: Configuration) -> [String] {
        var kept: [String] = []
        let askedStateDir = stateDir
        if stateDir != running.stateDir {
            kept.append("state_dir")
            stateDir = running.stateDir
        }
        if logLevel != running.logLevel {
            kept.append("log_level")
            logLevel = running.logLevel
        }
        if metrics.listen != running.metrics.listen {
            kept.append("metrics.listen")
            metrics.listen = running.metrics.listen
        }
        if web != running.web {
            // The listener, its token and the Host list are set up once, at start. A token file that
            // only moved with state_dir (its default) is not named twice.
            var others = web
            others.tokenFile = running.web.tokenFile
            let followsStateDir =
                web.tokenFile == askedStateDir + "/web-token" && running.web.tokenFile == running.stateDir + "/web-token"
            if others != running.web || !followsStateDir { kept.append("web") }
            web = running.web
        }
        if hooks != running.hooks {
            kept.append("hook")
            hooks = running.hooks
        }
        return kept
    }
}
