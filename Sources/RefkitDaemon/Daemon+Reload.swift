import Foundation
import Logging
import RefkitConfig

/// SIGHUP: re-read the configuration file and hand over to a generation built from it.
///
/// Live: watches (added, removed, changed), providers and the analyzer, limits, retry,
/// outputs, budgets, `[daemon]` intervals and `[metrics] textfile` / `interval_s`. Intake moves
/// to the new watcher at once (files waiting for a partner stay in the inbox and are taken again
/// by its start-up rescan); the old scheduler stops dispatching and its running stages finish
/// (up to `drain_timeout_s`; a stage still running then is cancelled and runs again, as after a
/// restart), then the new scheduler takes over the queue. Not live, kept at their running values
/// with a "restart needed" warning: `state_dir` (the lock and the database), `log_level` (the
/// logger is set up once) and `[metrics] listen` (the bound socket).
extension Daemon {
    /// Asks a running daemon to reload its configuration (as SIGHUP does). Reloads run one at a
    /// time; requests that arrive during one are folded into the next.
    public func reload() {
        reloadContinuation.yield()
    }

    func handleReloads() async {
        for await _ in reloadRequests {
            guard !isStopping else { return }
            await performReload()
        }
    }

    /// One reload: RELOADING=1, read and check the file, hand over, READY=1. A file that does
    /// not load (syntax, unknown key, bad value, a folder that cannot be made) changes nothing.
    func performReload() async {
        notifier.reloading()
        // READY=1 ends the reload for systemd, unless a stop began meanwhile (STOPPING=1 then stands).
        defer { if !isStopping { notifier.ready() } }
        let old = slots.withLock { $0.latest }
        let file = old.configuration.file
        logger.notice("reloading the configuration", metadata: ["config": "\(file)"])
        guard file.hasPrefix("/") || FileManager.default.fileExists(atPath: file) else {
            logger.error("cannot reload: refkit runs with the built-in configuration, not a file; nothing changed")
            return
        }
        var new: Configuration
        do {
            new = try ConfigurationLoader.load(path: file)
        } catch {
            logger.error("reload failed: the configuration has an error; the running one is kept", metadata: ["error": "\(error)"])
            notifier.status("reload failed, running configuration kept: \(error)")
            return
        }
        for key in Self.keepRunningValues(of: old.configuration, in: &new) {
            logger.warning("restart needed for \(key): the running value is kept until refkit restarts", metadata: ["key": "\(key)"])
        }
        let next: Generation
        do {
            try inboxLocks.claim(new.watches)
            next = try Generation.make(
                number: old.number + 1, configuration: new, database: database, logger: logger, metrics: metrics, providers: extraProviders,
                events: pipelineEvents)
        } catch {
            // Inboxes claimed for the new watches would stay locked against every other daemon.
            inboxLocks.release(keeping: old.configuration.watches)
            logger.error("reload failed: the new configuration cannot be set up; the running one is kept", metadata: ["error": "\(error)"])
            notifier.status("reload failed, running configuration kept: \(error)")
            return
        }
        let (front, back, stopping) = slots.withLock { s -> (Generation, Generation, Bool) in
            if !s.stopping { s.latest = next }
            return (s.front, s.back, s.stopping)
        }
        guard !stopping else { return logger.notice("reload abandoned: refkit is stopping") }
        front.watcher.shutdown()
        if back !== front { back.watcher.shutdown() }
        await back.scheduler.stop()
        let changes = Self.changes(from: old.configuration, to: new)
        await waitForSwitch(to: next.number)
        guard !isStopping else { return logger.notice("reload abandoned: refkit is stopping") }
        inboxLocks.release(keeping: new.watches)
        logger.notice("configuration reloaded", metadata: changes.merging(["generation": "\(next.number)"]) { $1 })
        for name in Set(old.configuration.watches.map(\.name)).subtracting(new.watches.map(\.name)).sorted() {
            let waiting = (try? database.kits().filter { $0.watch == name && !$0.status.isFinished }.count) ?? 0
            if waiting > 0 {
                logger.warning("a removed watch has unfinished kits; they wait until the watch is configured again", metadata: ["watch": "\(name)", "kits": "\(waiting)"])
            }
        }
    }

    /// Sets in `new` the keys that cannot change while running to their values in `running`;
    /// returns their names where the file asked for a change.
    static func keepRunningValues(of running: Configuration, in new: inout Configuration) -> [String] {
        var kept: [String] = []
        if new.stateDir != running.stateDir {
            kept.append("state_dir")
            new.stateDir = running.stateDir
        }
        if new.logLevel != running.logLevel {
            kept.append("log_level")
            new.logLevel = running.logLevel
        }
        if new.metrics.listen != running.metrics.listen {
            kept.append("metrics.listen")
            new.metrics.listen = running.metrics.listen
        }
        return kept
    }

    /// What a reload changes, for its log line.
    static func changes(from old: Configuration, to new: Configuration) -> Logger.Metadata {
        func diff<T>(_ a: [String: T], _ b: [String: T]) -> (added: [String], removed: [String], changed: [String]) {
            let added = Set(b.keys).subtracting(a.keys).sorted()
            let removed = Set(a.keys).subtracting(b.keys).sorted()
            let changed = Set(a.keys).intersection(b.keys).filter { String(describing: a[$0]!) != String(describing: b[$0]!) }.sorted()
            return (added, removed, changed)
        }
        let watches = diff(
            Dictionary(uniqueKeysWithValues: old.watches.map { ($0.name, $0) }), Dictionary(uniqueKeysWithValues: new.watches.map { ($0.name, $0) }))
        let providers = diff(old.providers, new.providers)
        func list(_ names: [String]) -> Logger.MetadataValue { .string(names.isEmpty ? "-" : names.joined(separator: ",")) }
        return [
            "watches_added": list(watches.added), "watches_removed": list(watches.removed), "watches_changed": list(watches.changed),
            "providers_added": list(providers.added), "providers_removed": list(providers.removed), "providers_changed": list(providers.changed),
            "limits_changed": "\(String(describing: old.limits) != String(describing: new.limits))",
        ]
    }
}
