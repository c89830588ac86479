import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitProviders
import RefkitService
import RefkitStore
import RefkitWatch

/// The daemon: watches the inboxes, takes files in, and (from the pipeline on) makes kits.
/// Built by `Daemon.build`, which both the CLI and the tests call.
public final class Daemon: Sendable {
    public let configuration: Configuration
    public let state: StateDirectory
    public let database: RefkitDatabase
    public let intake: IntakeService
    let watcher: InboxWatcher
    let scheduler: KitScheduler
    let logger: Logger
    /// Prometheus metrics (served and/or written when `[metrics]` says so).
    public let metrics: RefkitMetrics
    let notifier: SystemdNotifier
    private let startupRescans = Mutex(0)

    public enum Mode: Sendable {
        /// Until shutdown.
        case daemon
        /// Until what is in the inboxes now is handled.
        case once
    }

    /// Opens the state (taking its lock), prepares the folders and wires the services.
    public static func build(configuration: Configuration, logger: Logger, providers: [String: any ImageProvider] = [:]) throws -> Daemon {
        let state = try StateDirectory(path: configuration.stateDir)
        let database = try RefkitDatabase(path: state.databasePath)
        for watch in configuration.watches {
            for dir in [watch.inbox, watch.outbox, watch.rejected] {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
        }
        let wakeup = Wakeup()
        let metrics = RefkitMetrics()
        for watch in configuration.watches { metrics.declare(watch: watch.name) }
        for provider in configuration.providers.keys { metrics.declare(provider: provider) }
        let intake = try IntakeService(configuration: configuration, database: database, logger: logger) { _ in wakeup.signal() }
        let scheduler = KitScheduler(
            configuration: configuration, database: database, registry: ProviderRegistry(configuration: configuration, logger: logger, extra: providers),
            logger: logger, wakeup: wakeup, metrics: metrics)
        let roots = configuration.watches.map(\.watchRoot)
        let watcher = InboxWatcher(
            roots: roots, rescanInterval: .seconds(configuration.daemon.rescanIntervalSeconds),
            pollInterval: .milliseconds(configuration.daemon.pollIntervalMs), logger: logger)
        return Daemon(
            configuration: configuration, state: state, database: database, intake: intake, watcher: watcher, scheduler: scheduler, logger: logger,
            metrics: metrics)
    }

    init(
        configuration: Configuration, state: StateDirectory, database: RefkitDatabase, intake: IntakeService, watcher: InboxWatcher,
        scheduler: KitScheduler, logger: Logger, metrics: RefkitMetrics
    ) {
        self.metrics = metrics
        self.notifier = SystemdNotifier(logger: logger)
        self.scheduler = scheduler
        self.configuration = configuration
        self.state = state
        self.database = database
        self.intake = intake
        self.watcher = watcher
        self.logger = logger
    }

    /// Asks a running daemon to stop (as SIGTERM does).
    public func shutdown() {
        notifier.stopping()
        watcher.shutdown()
        Task { await scheduler.stop() }
    }

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
    @discardableResult
    public func run(_ mode: Mode) async throws -> Summary {
        let started = ContinuousClock.now
        let released = try database.releaseUnfinishedClaims()
        let stale = state.removeStaleTemporaries()
        logger.info(
            "refkit starting",
            metadata: [
                "config": "\(configuration.file)", "state_dir": "\(configuration.stateDir)", "watches": "\(configuration.watches.count)",
                "released_claims": "\(released)", "stale_temp_files": "\(stale)",
            ])
        let processed = ProcessedCounter()
        let server = try startMetricsServer()
        try await withThrowingTaskGroup(of: Void.self) { outer in
            // Operations services live as long as the daemon's core and stop with it.
            if mode == .daemon {
                outer.addTask { await self.report() }
                if let pinger = WatchdogPinger(notifier: self.notifier, logger: self.logger, isHealthy: { await self.scheduler.isResponsive() }) {
                    outer.addTask { await pinger.run() }
                }
                if let server { outer.addTask { await server.run() } }
                outer.addTask { await self.publishWaitingKits() }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.watcher.run() }
                group.addTask { await self.scheduler.run() }
                group.addTask {
                    for await event in self.watcher.events {
                        await self.handle(event)
                        processed.increment()
                    }
                }
                if mode == .once {
                    group.addTask {
                        await self.waitUntilHandled(processed: processed)
                        self.shutdown()
                    }
                }
                try await group.waitForAll()
            }
            server?.shutdown()
            outer.cancelAll()
        }
        if mode == .daemon { try? writeMetricsTextfile() }
        await intake.shutdown()
        let summary = Summary(
            accepted: await intake.accepted, rejected: await intake.rejected, duplicates: await intake.duplicates, kits: await scheduler.finished,
            references: await scheduler.referencesMade, waitingForSpace: (try? database.kitsReadyToFinish().count) ?? 0,
            duration: ContinuousClock.now - started)
        logger.notice(
            "batch summary",
            metadata: [
                "accepted": "\(summary.accepted)", "rejected": "\(summary.rejected)", "duplicates": "\(summary.duplicates)",
                "complete": "\(summary.kits[.complete] ?? 0)", "partial": "\(summary.kits[.partial] ?? 0)", "failed": "\(summary.kits[.failed] ?? 0)",
                "references": "\(summary.references)", "waiting_for_space": "\(summary.waitingForSpace)", "duration_ms": "\(Int(summary.duration / .milliseconds(1)))",
            ])
        return summary
    }

    private func handle(_ event: InboxEvent) async {
        switch event {
        case .ready(let ready):
            let kind = InboxEntry.Kind(rawValue: ready.kind.rawValue) ?? .other
            let entry = InboxEntry(
                watch: ready.root, path: ready.path, relativePath: ready.relativePath, kind: kind, size: ready.size, mtimeNanos: ready.mtimeNanos,
                inode: ready.inode, device: ready.device, linkCount: ready.linkCount)
            await intake.handle(entry)
        case .rootPaused(let root, let reason):
            logger.critical("inbox paused: its folder is gone or was replaced; nothing is deleted", metadata: ["watch": "\(root)", "reason": "\(reason)"])
            try? database.appendEvent(watch: root, type: "watch_paused", message: reason)
        case .rootResumed(let root):
            logger.notice("inbox resumed", metadata: ["watch": "\(root)"])
            try? database.appendEvent(watch: root, type: "watch_resumed")
        case .rescanned(let root, let reason, let entries):
            logger.info("inbox rescanned", metadata: ["watch": "\(root)", "reason": "\(reason.rawValue)", "entries": "\(entries)"])
            if reason == .startup {
                // READY=1 once the store is open and every inbox's start-up rescan is queued.
                let all = startupRescans.withLock { n -> Bool in
                    n += 1
                    return n == configuration.watches.count
                }
                if all { notifier.ready() }
            }
        case .modeChosen(let root, let mode, let reason):
            logger.notice("inbox watch mode chosen", metadata: ["watch": "\(root)", "mode": "\(mode.rawValue)", "reason": "\(reason)"])
        case .watchLimit(let folders, let limit):
            logger.warning(
                "inbox folders come close to the inotify watch limit; raise fs.inotify.max_user_watches",
                metadata: ["folders": "\(folders)", "limit": "\(limit)"])
        }
    }

    /// Every `[metrics] interval_s`: gauges from the store, systemd's STATUS line, the textfile.
    private func report() async {
        var counted = (accepted: 0, rejected: 0, duplicate: 0)
        while !Task.isCancelled {
            let now = (accepted: await intake.accepted, rejected: await intake.rejected, duplicate: await intake.duplicates)
            metrics.intake.increment(by: Double(now.accepted - counted.accepted), labels: ["outcome": "accepted"])
            metrics.intake.increment(by: Double(now.rejected - counted.rejected), labels: ["outcome": "rejected"])
            metrics.intake.increment(by: Double(now.duplicate - counted.duplicate), labels: ["outcome": "duplicate"])
            counted = now
            do {
                let summary = try database.statusSummary()
                metrics.setKits(summary.kitsByStatus)
                metrics.queueDepth.set(Double(summary.stagesByStatus["pending"] ?? 0))
                let running = summary.kitsByStatus["generating"] ?? 0
                notifier.status(
                    "queued \(summary.stagesByStatus["pending"] ?? 0) stages, running \(running) kits, awaiting selection \(summary.kitsByStatus["awaiting_selection"] ?? 0), failed today \(summary.rejectedToday) rejected, spend today $\(String(format: "%.2f", summary.spendTodayUSD))")
                try writeMetricsTextfile()
            } catch {
                logger.warning("cannot refresh status and metrics", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(configuration.metrics.intervalSeconds))
        }
    }

    /// Kits whose publish met a full outbox wait (KitPublisher.waitForSpace) and are published
    /// again every `disk_full_retry_s`, so they complete on their own once space is freed.
    private func publishWaitingKits() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(configuration.daemon.diskFullRetrySeconds))
            guard !Task.isCancelled, let waiting = try? database.kitsReadyToFinish(), !waiting.isEmpty else { continue }
            let still = await scheduler.finishWaitingKits()
            logger.info("published kits that waited for space", metadata: ["tried": "\(waiting.count)", "still_waiting": "\(still)"])
        }
    }

    private func writeMetricsTextfile() throws {
        guard let path = configuration.metrics.textfile else { return }
        try MetricsTextfileWriter(path: path).write(metrics.registry)
    }

    private func startMetricsServer() throws -> MetricsHTTPServer? {
        guard let listen = configuration.metrics.listen, let colon = listen.lastIndex(of: ":"),
            let port = UInt16(listen[listen.index(after: colon)...])
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let server = try MetricsHTTPServer(host: host, port: port, registry: metrics.registry, logger: logger)
        server.start()
        logger.info("serving metrics", metadata: ["url": "\(server.url)"])
        return server
    }

    /// `once`: the watcher has settled everything it saw, every event was handled, and intake
    /// has no pairing left waiting.
    private func waitUntilHandled(processed: ProcessedCounter) async {
        while !Task.isCancelled {
            let yielded = await watcher.idle()
            while processed.value < yielded {
                try? await Task.sleep(for: .milliseconds(10))
            }
            let schedulerIdle = (try? await scheduler.isIdle) ?? true
            if await intake.isIdle, schedulerIdle {
                // Intake moved files; let the watcher confirm nothing new settled meanwhile.
                if await watcher.idle() == yielded { return }
            } else {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// Counts handled watcher events (read from another task, hence the lock).
final class ProcessedCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

import Synchronization
