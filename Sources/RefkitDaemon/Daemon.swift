import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitPipeline
import RefkitProviders
import RefkitService
import RefkitStore
import RefkitSystem
import Synchronization

/// The daemon: watches the inboxes, takes files in, and (from the pipeline on) makes kits.
/// Built by `Daemon.build`, which both the CLI and the tests call.
///
/// Its work runs as one `ServiceGroup` (`serviceGroup(mode:handlingSignals:)`): the periodic
/// operations services and the generations service (`ReloadService`), which runs what depends
/// on the configuration (watcher, intake, scheduler, providers) as a `Generation` and, on a
/// reload, hands over to one built from the re-read file without dropping work.
public final class Daemon: Sendable {
    /// The configuration in force (the latest one a reload adopted).
    public var configuration: Configuration { generations.latest.configuration }
    public let state: StateDirectory
    public let database: RefkitDatabase
    /// The database file opened at start-up; the database guard stops the daemon when the path
    /// names another file (or none) later (Daemon+DatabaseGuard.swift).
    let databaseIdentity: InodeIdentity?
    /// Set by the database guard when the database vanished or is damaged: `run` throws it.
    let lostDatabase = Mutex<RefkitError?>(nil)
    /// The inboxes' lock files, so no second daemon takes from them.
    let inboxLocks: InboxLocks
    let logger: Logger
    /// Prometheus metrics (served and/or written when `[metrics]` says so).
    public let metrics: RefkitMetrics
    /// What every generation's scheduler did (stages, finished kits), for subscribers.
    public let pipelineEvents: EventBroadcast<PipelineEvent>
    let notifier: SystemdNotifier
    /// Providers given by the caller (tests, the bench), kept for every generation.
    let extraProviders: [String: any ImageProvider]
    /// The generations that run or ran, and what retired ones counted.
    let generations: Generations
    let startupRescans = Mutex(0)
    /// Opened by `shutdown()` and by the group's graceful shutdown: the generations service stops.
    let stopRequest = Latch<Void>()
    let reloadRequests: AsyncStream<Void>
    let reloadContinuation: AsyncStream<Void>.Continuation

    public enum Mode: Sendable {
        /// Until shutdown.
        case daemon
        /// Until what is in the inboxes now is handled.
        case once
    }

    /// Opens the state (taking its lock), prepares the folders and wires the services.
    /// `environment` is where `NOTIFY_SOCKET` and `WATCHDOG_USEC` are read (the process's own by default).
    public static func build(
        configuration: Configuration, logger: Logger, providers: [String: any ImageProvider] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Daemon {
        let state = try StateDirectory(path: configuration.stateDir)
        // Refuses a missing (while kits' files are there) or damaged database before anything is written.
        try state.checkDatabasePresent()
        let database = try RefkitDatabase.openChecked(path: state.databasePath)
        let inboxLocks = InboxLocks(stateDir: state.path)
        try inboxLocks.claim(configuration.watches)
        let metrics = RefkitMetrics()
        let events = EventBroadcast<PipelineEvent>()
        let generation = try Generation(
            number: 1, configuration: configuration, database: database, logger: logger, metrics: metrics, providers: providers,
            events: events)
        return Daemon(
            state: state, inboxLocks: inboxLocks, database: database, generation: generation, logger: logger, metrics: metrics,
            notifier: SystemdNotifier(environment: environment, logger: logger), providers: providers, events: events)
    }

    init(
        state: StateDirectory, inboxLocks: InboxLocks,
        database: RefkitDatabase, generation: Generation, logger: Logger, metrics: RefkitMetrics, notifier: SystemdNotifier,
        providers: [String: any ImageProvider], events: EventBroadcast<PipelineEvent>
    ) {
        self.metrics = metrics
        self.pipelineEvents = events
        self.notifier = notifier
        self.state = state
        self.inboxLocks = inboxLocks
        self.database = database
        self.databaseIdentity = InodeIdentity(path: database.path)
        self.logger = logger
        self.extraProviders = providers
        self.generations = Generations(first: generation)
        (reloadRequests, reloadContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks a running daemon to stop (as SIGTERM does): intake stops, running stages drain.
    public func shutdown() {
        stopRequest.open()
    }

    var isStopping: Bool { generations.isStopping }

    /// What one `run` did.
    public struct Summary: Sendable {
        public var accepted: Int
        public var rejected: Int
        public var duplicates: Int
        public var kits: [KitStatus: Int]
        public var references: Int
        /// Kits with every stage ended whose publish waits for space (`disk_full`).
        public var waitingForSpace: Int
        public var duration: Duration
    }

    /// Runs until shutdown (`.daemon`) or until the inboxes are handled (`.once`).
    /// `handlingSignals`: SIGTERM and SIGINT stop it, SIGHUP reloads (the CLI; tests call
    /// `shutdown()` and `reload()` instead).
    @discardableResult
    public func run(_ mode: Mode, handlingSignals: Bool = false) async throws -> Summary {
        let started = ContinuousClock.now
        let released = try database.releaseUnfinishedClaims()
        let swept = janitor.startupSweep()
        logger.info(
            "refkit starting",
            metadata: [
                "config": "\(configuration.file)", "state_dir": "\(configuration.stateDir)", "watches": "\(configuration.watches.count)",
                "released_claims": "\(released)", "stale_temp_files": "\(swept.stateTemporaries)",
                "stale_outbox_temp_files": "\(swept.outboxTemporaries)",
            ])
        for advice in configuration.concurrencyAdvice { logger.warning("concurrency limits", metadata: ["advice": "\(advice)"]) }
        generations.latest.scheduler.registry.warnUnusable(logger: logger)
        try await serviceGroup(mode: mode, handlingSignals: handlingSignals).run()
        if let lost = lostDatabase.withLock({ $0 }) { throw lost }
        if mode == .daemon {
            do { try writeMetricsTextfile() } catch { logger.warning("cannot write the metrics textfile", metadata: ["error": "\(error)"]) }
        }
        let totals = await generations.totals()
        let waiting: Int
        do { waiting = try database.kitsReadyToFinish().count } catch {
            logger.warning("cannot count the kits waiting for space", metadata: ["error": "\(error)"])
            waiting = 0
        }
        let summary = Summary(
            accepted: totals.accepted, rejected: totals.rejected, duplicates: totals.duplicates, kits: totals.kits,
            references: totals.references, waitingForSpace: waiting, duration: ContinuousClock.now - started)
        logger.notice(
            "batch summary",
            metadata: [
                "accepted": "\(summary.accepted)", "rejected": "\(summary.rejected)", "duplicates": "\(summary.duplicates)",
                "complete": "\(summary.kits[.complete] ?? 0)", "partial": "\(summary.kits[.partial] ?? 0)",
                "failed": "\(summary.kits[.failed] ?? 0)", "references": "\(summary.references)",
                "waiting_for_space": "\(summary.waitingForSpace)", "duration_ms": "\(Int(summary.duration / .milliseconds(1)))",
            ])
        return summary
    }

    /// The janitor of this daemon's state directory, with the configuration in force at each sweep.
    var janitor: Janitor {
        Janitor(state: state, database: database, configuration: { self.configuration }, logger: logger)
    }

    /// The scheduler that runs now (the old one while it drains after a reload).
    var currentScheduler: KitScheduler { generations.scheduling.scheduler }
}
