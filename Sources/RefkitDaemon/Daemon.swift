import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitIntake
import RefkitPipeline
import RefkitProviders
import RefkitService
import RefkitStore
import RefkitWatch

/// The daemon: watches the inboxes, takes files in, and (from the pipeline on) makes kits.
/// Built by `Daemon.build`, which both the CLI and the tests call.
///
/// What depends on the configuration (watcher, intake, scheduler, providers) lives in a
/// `Generation`; a reload (`reload()`, SIGHUP) builds a new one from the re-read file and hands
/// over to it without dropping work (see `Daemon+Reload.swift`).
public final class Daemon: Sendable {
    /// The configuration in force (the latest one a reload adopted).
    public var configuration: Configuration { slots.withLock { $0.latest.configuration } }
    public let state: StateDirectory
    public let database: RefkitDatabase
    /// The database file opened at start-up; the database guard stops the daemon when the path
    /// names another file (or none) later (Daemon+DatabaseGuard.swift).
    let databaseIdentity: DatabaseFileIdentity?
    /// Set by the database guard when the database vanished or is damaged: `run` throws it.
    let lostDatabase = Mutex<RefkitError?>(nil)
    /// The inboxes' lock files, so no second daemon takes from them (InboxLocks.swift).
    let inboxLocks: InboxLocks
    let logger: Logger
    /// Prometheus metrics (served and/or written when `[metrics]` says so).
    public let metrics: RefkitMetrics
    /// What every generation's scheduler did (stages, finished kits), for subscribers.
    public let pipelineEvents: EventBroadcast<PipelineEvent>
    let notifier: SystemdNotifier
    /// Providers given by the caller (tests, the bench), kept for every generation.
    let extraProviders: [String: any ImageProvider]
    let slots: Mutex<Slots>
    private let startupRescans = Mutex(0)
    /// Sends EXTEND_TIMEOUT_USEC while a stop drains (Daemon+Stop.swift).
    let stopTimeoutExtension = Mutex<Task<Void, Never>?>(nil)
    let reloadRequests: AsyncStream<Void>
    let reloadContinuation: AsyncStream<Void>.Continuation

    public enum Mode: Sendable {
        /// Until shutdown.
        case daemon
        /// Until what is in the inboxes now is handled.
        case once
    }

    /// Which generation runs where, and what retired ones did.
    struct Slots {
        /// The newest generation; the intake and scheduler loops move to it when theirs ends.
        var latest: Generation
        /// The generation whose watcher and intake run.
        var front: Generation
        /// The generation whose scheduler runs.
        var back: Generation
        var stopping = false
        var retired = Totals()
        /// Set when the loop's last generation was added to `retired` at the stop.
        var frontRetired = false
        var backRetired = false
        /// Reloads waiting for both loops to reach a generation.
        var switchWaiters: [(number: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// Counts of retired generations (added to the running one's for summaries and metrics).
    struct Totals {
        var accepted = 0
        var rejected = 0
        var duplicates = 0
        var finished = FinishedKits()
        var kits: [KitStatus: Int] { finished.counts }
        var references = 0
    }

    /// Opens the state (taking its lock), prepares the folders and wires the services.
    /// `environment` is where `NOTIFY_SOCKET` and `WATCHDOG_USEC` are read (the process's own by default).
    public static func build(
        configuration: Configuration, logger: Logger, providers: [String: any ImageProvider] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Daemon {
        let state = try StateDirectory(path: configuration.stateDir)
        // Refuses a missing (while kits' files are there) or damaged database before anything is written.
        let database = try state.openCheckedDatabase()
        let inboxLocks = InboxLocks(stateDir: state.path)
        try inboxLocks.claim(configuration.watches)
        let metrics = RefkitMetrics()
        let events = EventBroadcast<PipelineEvent>()
        let generation = try Generation.make(
            number: 1, configuration: configuration, database: database, logger: logger, metrics: metrics, providers: providers, events: events)
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
        self.databaseIdentity = DatabaseFileIdentity(path: database.path)
        self.logger = logger
        self.extraProviders = providers
        self.slots = Mutex(Slots(latest: generation, front: generation, back: generation))
        (reloadRequests, reloadContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks a running daemon to stop (as SIGTERM does): intake stops, running stages drain.
    public func shutdown() {
        let (generations, waiters) = slots.withLock { s -> ([Generation], [CheckedContinuation<Void, Never>]) in
            s.stopping = true
            // A stop wins over a reload in flight: the loops end without reaching its generation,
            // so the reload waiting for that hand-over is released here, or it (and `run`) never returns.
            defer { s.switchWaiters = [] }
            return ([s.front, s.back, s.latest], s.switchWaiters.map(\.continuation))
        }
        waiters.forEach { $0.resume() }
        notifier.stopping()
        startStopTimeoutExtension()
        reloadContinuation.finish()
        for generation in generations {
            generation.watcher.shutdown()
            Task { await generation.scheduler.stop() }
        }
    }

    var isStopping: Bool { slots.withLock { $0.stopping } }

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
        let swept = Janitor(daemon: self).startupSweep()
        logger.info(
            "refkit starting",
            metadata: [
                "config": "\(configuration.file)", "state_dir": "\(configuration.stateDir)", "watches": "\(configuration.watches.count)",
                "released_claims": "\(released)", "stale_temp_files": "\(swept.stateTemporaries)", "stale_outbox_temp_files": "\(swept.outboxTemporaries)",
            ])
        for advice in configuration.concurrencyAdvice { logger.warning("concurrency limits", metadata: ["advice": "\(advice)"]) }
        warnUnusableProviders()
        let processed = ProcessedCounter()
        let server = try startMetricsServer()
        try await withThrowingTaskGroup(of: Void.self) { outer in
            // Operations services live as long as the daemon's core and stop with it.
            if mode == .daemon {
                outer.addTask { await self.report() }
                if let pinger = WatchdogPinger(notifier: self.notifier, logger: self.logger, isHealthy: { await self.currentScheduler.isResponsive() }) {
                    outer.addTask { await pinger.run() }
                }
                if let server { outer.addTask { await server.run() } }
                outer.addTask { await self.publishWaitingKits() }
                outer.addTask { await self.periodicSummaries() }
                outer.addTask { await Janitor(daemon: self).run() }
                outer.addTask { await self.handleReloads() }
            }
            outer.addTask { await self.guardDatabase() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.runIntake(processed: processed) }
                group.addTask { await self.runScheduler() }
                if mode == .once {
                    group.addTask {
                        await self.waitUntilHandled(processed: processed)
                        if !self.isStopping { self.shutdown() }
                    }
                }
                try await group.waitForAll()
            }
            server?.shutdown()
            outer.cancelAll()
        }
        stopTimeoutExtension.withLock { $0?.cancel() }
        if let lost = lostDatabase.withLock({ $0 }) { throw lost }
        if mode == .daemon { try? writeMetricsTextfile() }
        let totals = await self.totals()
        let summary = Summary(
            accepted: totals.accepted, rejected: totals.rejected, duplicates: totals.duplicates, kits: totals.kits, references: totals.references,
            waitingForSpace: (try? database.kitsReadyToFinish().count) ?? 0, duration: ContinuousClock.now - started)
        logger.notice(
            "batch summary",
            metadata: [
                "accepted": "\(summary.accepted)", "rejected": "\(summary.rejected)", "duplicates": "\(summary.duplicates)",
                "complete": "\(summary.kits[.complete] ?? 0)", "partial": "\(summary.kits[.partial] ?? 0)", "failed": "\(summary.kits[.failed] ?? 0)",
                "references": "\(summary.references)", "waiting_for_space": "\(summary.waitingForSpace)", "duration_ms": "\(Int(summary.duration / .milliseconds(1)))",
            ])
        return summary
    }

    // MARK: - The two loops a reload hands over

    /// Watcher and intake of the current generation; after a reload, of the next one.
    private func runIntake(processed: ProcessedCounter) async throws {
        var generation = slots.withLock { $0.front }
        while true {
            let current = generation
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await current.watcher.run() }
                group.addTask {
                    for await event in current.watcher.events {
                        await self.handle(event, generation: current)
                        processed.increment()
                    }
                }
                try await group.waitForAll()
            }
            await generation.intake.shutdown()
            let counts = (await generation.intake.accepted, await generation.intake.rejected, await generation.intake.duplicates)
            let next = slots.withLock { s -> Generation? in
                s.retired.accepted += counts.0
                s.retired.rejected += counts.1
                s.retired.duplicates += counts.2
                guard !s.stopping, s.latest !== generation else {
                    s.frontRetired = true
                    return nil
                }
                s.front = s.latest
                return s.latest
            }
            guard let next else { return }
            // Pairings the old intake held are claimed in the store only: free them for the new one's rescan.
            _ = try? database.releaseUnfinishedClaims()
            generation = next
            switched()
        }
    }

    /// The current generation's scheduler; after a reload, once it has drained, the next one's.
    private func runScheduler() async {
        var generation = slots.withLock { $0.back }
        while true {
            await generation.scheduler.run()
            let finished = await generation.scheduler.finished
            let references = await generation.scheduler.referencesMade
            let next = slots.withLock { s -> Generation? in
                s.retired.finished.merge(finished)
                s.retired.references += references
                guard !s.stopping, s.latest !== generation else {
                    s.backRetired = true
                    return nil
                }
                s.back = s.latest
                return s.latest
            }
            guard let next else { return }
            generation = next
            switched()
        }
    }

    /// Resumes reloads waiting for both loops to reach their generation.
    private func switched() {
        let ready = slots.withLock { s -> [CheckedContinuation<Void, Never>] in
            let reached = min(s.front.number, s.back.number)
            let done = s.switchWaiters.filter { $0.number <= reached || s.stopping }
            s.switchWaiters.removeAll { $0.number <= reached || s.stopping }
            return done.map(\.continuation)
        }
        ready.forEach { $0.resume() }
    }

    /// Waits until intake and scheduler both run generation `number` (or the daemon stops).
    func waitForSwitch(to number: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = slots.withLock { s -> Bool in
                if s.stopping || min(s.front.number, s.back.number) >= number { return true }
                s.switchWaiters.append((number, c))
                return false
            }
            if now { c.resume() }
        }
    }

    var currentScheduler: KitScheduler { slots.withLock { $0.back.scheduler } }

    /// Counts of retired generations plus the running ones.
    func totals() async -> Totals {
        let (retired, front, back) = slots.withLock { ($0.retired, $0.frontRetired ? nil : $0.front, $0.backRetired ? nil : $0.back) }
        var totals = retired
        if let front {
            totals.accepted += await front.intake.accepted
            totals.rejected += await front.intake.rejected
            totals.duplicates += await front.intake.duplicates
        }
        if let back {
            totals.finished.merge(await back.scheduler.finished)
            totals.references += await back.scheduler.referencesMade
        }
        return totals
    }

    private func handle(_ event: InboxEvent, generation: Generation) async {
        switch event {
        case .ready(let entry):
            // Inbox lag: from the file's last change (its arrival, as far as the filesystem tells) to its intake.
            let lag = max(0, Date().timeIntervalSince1970 - Double(entry.mtimeNanos) / 1e9)
            metrics.inboxLag.set(lag, labels: ["watch": entry.watch])
            await generation.intake.handle(entry)
        case .rootPaused(let root, let reason):
            logger.critical("inbox paused: its folder is gone or was replaced; nothing is deleted", metadata: ["watch": "\(root)", "reason": "\(reason)"])
            try? database.appendEvent(watch: root, type: "watch_paused", message: reason)
        case .rootResumed(let root):
            logger.notice("inbox resumed", metadata: ["watch": "\(root)"])
            try? database.appendEvent(watch: root, type: "watch_resumed")
        case .rescanned(let root, let reason, let entries):
            logger.info("inbox rescanned", metadata: ["watch": "\(root)", "reason": "\(reason.rawValue)", "entries": "\(entries)"])
            if reason == .startup, generation.number == 1 {
                // READY=1 once the store is open and every inbox's start-up rescan is queued.
                let all = startupRescans.withLock { n -> Bool in
                    n += 1
                    return n == generation.configuration.watches.count
                }
                if all { notifier.ready() }
            }
        case .undecodableName(let entry):
            await generation.intake.handle(undecodable: entry)
        case .modeChosen(let root, let mode, let reason):
            logger.log(
                level: mode == .poll ? .notice : .info, "inbox watch mode chosen",
                metadata: ["watch": "\(root)", "mode": "\(mode.rawValue)", "reason": "\(reason)"])
        case .watchLimit(let folders, let limit):
            logger.warning(
                "inbox folders come close to the inotify watch limit; raise fs.inotify.max_user_watches",
                metadata: ["folders": "\(folders)", "limit": "\(limit)"])
        }
    }

    /// Every `[metrics] interval_s`: gauges from the store, systemd's STATUS line, the textfile.
    private func report() async {
        var counted = (accepted: 0, rejected: 0, duplicate: 0)
        // A lasting failure (a read-only textfile folder) is logged when it starts or changes, not every interval.
        var failing: String?
        while !Task.isCancelled {
            let totals = await totals()
            let now = (accepted: totals.accepted, rejected: totals.rejected, duplicate: totals.duplicates)
            metrics.intake.increment(by: Double(now.accepted - counted.accepted), labels: ["outcome": "accepted"])
            metrics.intake.increment(by: Double(now.rejected - counted.rejected), labels: ["outcome": "rejected"])
            metrics.intake.increment(by: Double(now.duplicate - counted.duplicate), labels: ["outcome": "duplicate"])
            counted = now
            do {
                let summary = try database.statusSummary()
                metrics.setKits(summary.kitsByStatus)
                metrics.queueDepth.set(Double(summary.stagesByStatus["pending"] ?? 0))
                let paused = Dictionary(try database.pausedProviders().map { ($0.provider, $0.secondsLeft()) }, uniquingKeysWith: max)
                for provider in configuration.providers.keys {
                    metrics.providerPaused.set(paused[provider] ?? 0, labels: ["provider": provider])
                }
                let running = summary.kitsByStatus["generating"] ?? 0
                notifier.status(
                    "queued \(summary.stagesByStatus["pending"] ?? 0) stages, running \(running) kits, awaiting selection \(summary.kitsByStatus["awaiting_selection"] ?? 0), failed today \(summary.rejectedToday) rejected, spend today $\(String(format: "%.2f", summary.spendTodayUSD))")
                try writeMetricsTextfile()
                if failing != nil { logger.notice("status and metrics refreshed again") }
                failing = nil
            } catch {
                if failing != "\(error)" { logger.warning("cannot refresh status and metrics", metadata: ["error": "\(error)"]) }
                failing = "\(error)"
            }
            try? await Task.sleep(for: .seconds(configuration.metrics.intervalSeconds))
        }
    }

    /// Kits whose publish met a full or unwritable outbox wait (KitPublisher.waitToPublish) and are
    /// published again every `disk_full_retry_s`, so they complete on their own once it is writable.
    private func publishWaitingKits() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(configuration.daemon.diskFullRetrySeconds))
            guard !Task.isCancelled, let waiting = try? database.kitsReadyToFinish(), !waiting.isEmpty else { continue }
            let still = await currentScheduler.finishWaitingKits()
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
        // `once` takes no reloads: one generation.
        let generation = slots.withLock { $0.latest }
        let watcher = generation.watcher
        let scheduler = generation.scheduler
        let intake = generation.intake
        var storeErrors = 0
        // A stop (SIGTERM, SIGINT) ends the wait too: files still waiting for their sidecar or
        // image stay in the inbox for the next run.
        while !Task.isCancelled, !isStopping {
            let yielded = await watcher.idle()
            while processed.value < yielded, !isStopping {
                try? await Task.sleep(for: .milliseconds(10))
            }
            // Intake first: once it is idle (and the watcher, checked again below, saw nothing
            // new) no kit can appear, so the scheduler's answer that follows is final. Asked the
            // other way round, a kit queued between the two answers was missed and `once` stopped
            // with it unmade (seen under load). A store error means "not known yet".
            let intakeIdle = await intake.isIdle
            let schedulerIdle: Bool
            do {
                schedulerIdle = try await scheduler.isIdle
                storeErrors = 0
            } catch {
                // A store that stays unreadable (I/O error, database removed) must not keep
                // `once` waiting for ever: after ~10 s of failures it stops with what it has.
                storeErrors += 1
                if storeErrors == 1 { logger.warning("cannot read the stage queue", metadata: ["error": "\(error)"]) }
                if storeErrors >= 200 {
                    logger.error("the stage queue stayed unreadable; stopping", metadata: ["error": "\(error)"])
                    return
                }
                schedulerIdle = false
            }
            if intakeIdle, schedulerIdle {
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
