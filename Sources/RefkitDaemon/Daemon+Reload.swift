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

    /// The new generation runs: the old inboxes are let go, the change is logged. Ends the reload.
    func completeReload(from old: Configuration, to generation: Generation) {
        let new = generation.configuration
        inboxLocks.release(keeping: new.watches)
        logger.notice(
            "configuration reloaded",
            metadata: ConfigurationChanges(from: old, to: new).logFields.mapValues { .string($0) }.merging([
                "generation": "\(generation.number)"
            ]) { $1 })
        for name in Set(old.watches.map(\.name)).subtracting(new.watches.map(\.name)).sorted() {
            let waiting: Int
            do { waiting = try database.kits().filter { $0.watch == name && !$0.status.isFinished }.count } catch {
                logger.warning("cannot count a removed watch's unfinished kits", metadata: ["watch": "\(name)", "error": "\(error)"])
                continue
            }
            if waiting > 0 {
                logger.warning(
                    "a removed watch has unfinished kits; they wait until the watch is configured again",
                    metadata: ["watch": "\(name)", "kits": "\(waiting)"])
            }
        }
        endReload()
    }

    /// A stop came first: the new generation never (fully) took over. Ends the reload.
    func abandonReload() {
        logger.notice("reload abandoned: refkit is stopping")
        endReload()
    }

    /// READY=1 ends a reload for systemd, unless a stop began meanwhile (STOPPING=1 then stands).
    func endReload() {
        if !isStopping { notifier.ready() }
    }

    /// The first half of a reload: RELOADING=1, read and check the file, claim the new inboxes and
    /// build the next generation. A file that does not load (syntax, unknown key, bad value, a
    /// folder that cannot be made) changes nothing: nil, after READY=1.
    func prepareReload(from old: Generation) async -> Generation? {
        notifier.reloading()
        let file = old.configuration.file
        logger.notice("reloading the configuration", metadata: ["config": "\(file)"])
        guard file.hasPrefix("/") || FileManager.default.fileExists(atPath: file) else {
            logger.error("cannot reload: refkit runs with the built-in configuration, not a file; nothing changed")
            endReload()
            return nil
        }
        var new: Configuration
        do {
            new = try ConfigurationLoader.load(path: file)
        } catch {
            logger.error("reload failed: the configuration has an error; the running one is kept", metadata: ["error": "\(error)"])
            notifier.status("reload failed, running configuration kept: \(error)")
            endReload()
            return nil
        }
        for key in new.keepRunningValues(of: old.configuration) {
            logger.warning("restart needed for \(key): the running value is kept until refkit restarts", metadata: ["key": "\(key)"])
        }
        do {
            try inboxLocks.claim(new.watches)
            return try Generation(
                number: old.number + 1, configuration: new, database: database, logger: logger, metrics: metrics, providers: extraProviders,
                events: pipelineEvents)
        } catch {
            // Inboxes claimed for the new watches would stay locked against every other daemon.
            inboxLocks.release(keeping: old.configuration.watches)
            logger.error("reload failed: the new configuration cannot be set up; the running one is kept", metadata: ["error": "\(error)"])
            notifier.status("reload failed, running configuration kept: \(error)")
            endReload()
            return nil
        }
    }
}
