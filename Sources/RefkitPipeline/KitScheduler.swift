import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitProviders
import RefkitService
import RefkitStore
import RefkitSystem

/// Runs stages: picks runnable ones from the store (DispatchPlan: priority first, then fair
/// between watches, oldest kit first within a watch so kits finish one after another), within the
/// global and per-provider limits, as child tasks of one task group (StageRunner); finishes and
/// publishes kits when their last stage ends (KitFinisher).
public actor KitScheduler {
    let configuration: Configuration
    let database: RefkitDatabase
    public nonisolated let registry: ProviderRegistry
    let logger: Logger
    let wakeup: Wakeup
    /// Stages started, done and failed, and kits finished, for whoever subscribes.
    public nonisolated let events: EventBroadcast<PipelineEvent>
    private let databaseChanges: DatabaseChangeFeed?
    private let runner: StageRunner
    private let finisher: KitFinisher
    private let space: SpaceWait
    private let stageExecutor: DispatchTaskExecutor

    private var running: [Int64: String] = [:]  // stage id -> provider
    private var runningByWatch: [String: Int] = [:]
    private var providerOfKit: [String: String] = [:]
    private var stopping = false
    private var drainScheduled = false
    public private(set) var referencesMade = 0
    /// Published when a stage or publish has ended, so `isIdle` may have changed (`once` waits on it).
    public nonisolated let activity = EventBroadcast<Void>()

    /// `databaseChanges` tells the scheduler when another process (a CLI command) changed the
    /// database while it runs; `events` is where it announces what it did.
    public init(
        configuration: Configuration, database: RefkitDatabase, registry: ProviderRegistry, logger: Logger, wakeup: Wakeup,
        metrics: RefkitMetrics? = nil, events: EventBroadcast<PipelineEvent> = EventBroadcast(), databaseChanges: DatabaseChangeFeed? = nil
    ) {
        self.configuration = configuration
        self.database = database
        self.registry = registry
        self.logger = logger
        self.wakeup = wakeup
        self.events = events
        self.databaseChanges = databaseChanges
        let work = WorkFiles(stateDir: configuration.stateDir)
        let publisher = KitPublisher(configuration: configuration, database: database, work: work, logger: logger)
        let budgets = KitBudgets(configuration: configuration, database: database)
        let executor = DispatchTaskExecutor(label: "refkit.stages")
        let space = SpaceWait(retrySeconds: configuration.daemon.diskFullRetrySeconds, wakeup: wakeup)
        self.stageExecutor = executor
        self.space = space
        self.finisher = KitFinisher(publisher: publisher, events: events)
        self.runner = StageRunner(
            configuration: configuration, database: database, registry: registry, work: work, publisher: publisher, logger: logger,
            metrics: metrics, events: events, budgets: budgets,
            call: ProviderCall(configuration: configuration, database: database, budgets: budgets, metrics: metrics, executor: executor),
            space: space,
            qa: StageQA(
                settings: configuration.qa, work: work, sourceLongSide: configuration.outputs.sourceLongSide, judge: registry.judge,
                judgeUnavailable: registry.judgeUnavailable))
        metrics?.declareQA(checks: QACheckID.allCases.map(\.rawValue), verdicts: QAVerdict.allCases.map(\.rawValue))
    }

    /// Kits this scheduler finished, each with its latest final status (for `once` and the
    /// batch summary): a kit that ends partial, is retried and ends complete is one complete kit.
    public var finished: FinishedKits { finisher.finished }

    /// Nothing running and nothing runnable.
    public var isIdle: Bool {
        get throws { try running.isEmpty && !database.hasUnfinishedWork() }
    }

    /// Stops dispatching; `run()` returns once the running stages ended (or the drain timeout passed).
    public func stop() {
        stopping = true
        wakeup.signal()
    }

    /// A round trip through the actor: true while the scheduler answers (the watchdog's test).
    public func isResponsive() -> Bool { true }

    /// What one child task of the run's group ended with.
    private enum ChildResult: Sendable {
        case stageEnded(Int64)
        case wokenUp
        case drainDeadline
        case changedKitFinished
    }

    /// Runs until `stop()`; then lets running stages finish (up to the drain timeout) and
    /// cancels the rest, which go back to pending at the next start.
    public func run() async {
        do {
            let requeued = try database.requeueInterruptedStages()
            if requeued > 0 { logger.notice("stages interrupted by the last stop will run again", metadata: ["stages": "\(requeued)"]) }
            for kitID in try database.kitsReadyToFinish() { await finish(kitID: kitID) }
        } catch {
            logger.error("cannot read the stage queue", metadata: ["error": "\(error)"])
        }
        // Commands from the CLI (select, regenerate, retry, delete) reach us through the
        // database: look for new work when another process changed it.
        let stopWatching = databaseChanges?({ [wakeup] in wakeup.signal() })
        defer { stopWatching?() }
        await withTaskGroup(of: ChildResult.self) { group in
            var waiting = false
            while true {
                if !stopping { dispatch(into: &group) }
                if stopping && running.isEmpty { break }
                // After stop() no new waiter: Wakeup.wait() does not end on cancellation, and the
                // group could not return while one was pending.
                if !waiting && !stopping {
                    waiting = true
                    let wakeup = self.wakeup
                    group.addTask {
                        await wakeup.wait()
                        return .wokenUp
                    }
                }
                guard let result = await group.next() else { break }
                activity.publish(())
                if case .drainDeadline = result { break }  // cancelAll below: unfinished stages resume at the next start
                switch result {
                case .stageEnded(let stageID):
                    running.removeValue(forKey: stageID)
                case .wokenUp:
                    waiting = false
                    if stopping && !running.isEmpty { scheduleDrainDeadline(group: &group) }
                    if !stopping { finishChangedKits(into: &group) }
                case .changedKitFinished, .drainDeadline:
                    break
                }
            }
            group.cancelAll()
        }
    }

    private func scheduleDrainDeadline(group: inout TaskGroup<ChildResult>) {
        guard !drainScheduled else { return }
        drainScheduled = true
        let timeout = Duration.seconds(configuration.daemon.drainTimeoutSeconds)
        let logger = self.logger
        group.addTask {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled {
                logger.warning("drain timeout reached; cancelling the stages still running", metadata: ["timeout_s": "\(timeout)"])
            }
            return .drainDeadline
        }
    }

    /// Publishes kits a command changed without queuing a stage (an avatar chosen again keeps
    /// its views): nothing else would finish them until the next periodic sweep. Kits waiting
    /// for space are left to that sweep (`disk_full_retry_s`).
    private func finishChangedKits(into group: inout TaskGroup<ChildResult>) {
        // A kit being published now is asked again, not skipped: that publish may have read it before
        // the change, and the finisher runs it once more when it ends (skipping it left the change to
        // the next periodic sweep, up to 30 s later).
        for kitID in (try? database.kitsChangedWithNothingToRun()) ?? [] {
            group.addTask {
                await self.finish(kitID: kitID)
                return .changedKitFinished
            }
        }
    }

    // MARK: - Dispatch

    private func dispatch(into group: inout TaskGroup<ChildResult>) {
        let free = configuration.limits.concurrency - running.count
        guard free > 0, !space.isWaiting else { return }
        var candidates: [String: [RunnableStage]] = [:]
        for watch in configuration.watches {
            // More candidates than places: stages of a provider at its cap must not hide the next
            // provider's behind them.
            if let list = try? database.runnableStages(watch: watch.name, excluding: Set(running.keys), limit: free + 16), !list.isEmpty {
                candidates[watch.name] = list
            }
        }
        let busy = DispatchPlan.Running(
            byWatch: runningByWatch, byProvider: running.values.reduce(into: [:]) { $0[$1, default: 0] += 1 })
        let limits = DispatchPlan.Limits(free: free, concurrency: registry.entries.mapValues(\.config.concurrency))
        let starts = DispatchPlan.next(running: busy, candidates: candidates, limits: limits, priority: \.priority) {
            imageProvider($0) ?? providerName(kitID: $0.kitID)
        }
        for start in starts {
            let (next, watch, provider) = (start.item, start.watch, start.provider)
            running[next.stageID] = provider
            runningByWatch[watch, default: 0] += 1
            let runner = self.runner
            group.addTask(executorPreference: stageExecutor) { [self] in
                let outcome = await runner.run(next, provider: provider)
                if outcome.kitEnded { await finish(kitID: next.kitID) }
                await stageEnded(watch: watch, madeReference: outcome.madeReference)
                return .stageEnded(next.stageID)
            }
        }
    }

    private func stageEnded(watch: String, madeReference: Bool) {
        runningByWatch[watch, default: 1] -= 1
        if madeReference { referencesMade += 1 }
    }

    private func providerName(kitID: String) -> String {
        if let p = providerOfKit[kitID] { return p }
        let order = try? database.kitOrder(kitID: kitID)
        let kit = try? database.kit(kitID)
        let watch = kit.flatMap { configuration.watch(named: $0.watch) }
        let name = order?.provider ?? watch?.defaultOrder.provider ?? "preview"
        providerOfKit[kitID] = name
        return name
    }

    // MARK: - Finishing

    /// Publishes a kit whose stages have all ended (off the actor), then forgets its provider.
    private nonisolated func finish(kitID: String) async {
        await finisher.finish(kitID: kitID)
        await forgetProvider(kitID: kitID)
    }

    private func forgetProvider(kitID: String) { providerOfKit.removeValue(forKey: kitID) }

    /// Publishes kits that have nothing left to run but are not finished (a publish that waits
    /// for space after `disk_full`). Returns how many still wait.
    public func finishWaitingKits() async -> Int {
        for kitID in (try? database.kitsReadyToFinish()) ?? [] { await finish(kitID: kitID) }
        return (try? database.kitsReadyToFinish().count) ?? 0
    }
}
