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
import RefkitWatch

/// Everything that depends on the configuration: the watcher over its inboxes, intake with its
/// limits, the providers, and the scheduler with its limits. A reload builds a new generation
/// and `ReloadService` hands over to it.
final class Generation: Sendable {
    let number: Int
    let configuration: Configuration
    let intake: IntakeService
    let watcher: InboxWatcher
    let scheduler: KitScheduler
    /// Intake's events from its start; the scheduler wakes for each kit queued (SchedulerLoop).
    let intakeEvents: AsyncStream<IntakeEvent>
    let wakeup: Wakeup
    /// The gates of a hand-over: the next generation's intake starts once `intakeEnded` opens,
    /// its scheduler once `schedulerEnded` does, and a reload completes when `schedulerStarted`
    /// opens with true (false: a stop came before this scheduler's turn).
    let intakeEnded = Latch<Void>()
    let schedulerEnded = Latch<Void>()
    let schedulerStarted = Latch<Bool>()
    /// Watcher events intake has handled, and a signal after each: `once` compares the count with
    /// what the watcher yielded, and looks again when the signal comes.
    let handled = EventCount()
    let activity = EventBroadcast<Void>()

    /// Creates the watches' folders, declares their metrics and wires the services; nothing runs yet.
    init(
        number: Int, configuration: Configuration, database: RefkitDatabase, logger: Logger, metrics: RefkitMetrics,
        providers: [String: any ImageProvider], events: EventBroadcast<PipelineEvent>
    ) throws {
        for watch in configuration.watches {
            for dir in [watch.inbox, watch.outbox, watch.rejected] {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
        }
        for watch in configuration.watches { metrics.declare(watch: watch.name) }
        for provider in configuration.providers.keys { metrics.declare(provider: provider) }
        let wakeup = Wakeup()
        let intake = try IntakeService(configuration: configuration, database: database, logger: logger)
        self.number = number
        self.configuration = configuration
        self.intake = intake
        self.wakeup = wakeup
        // Subscribed now, before intake runs, so no kit is missed; SchedulerLoop forwards them.
        self.intakeEvents = intake.events.subscribe()
        self.scheduler = KitScheduler(
            configuration: configuration, database: database,
            registry: ProviderRegistry(configuration: configuration, logger: logger, extra: providers), logger: logger, wakeup: wakeup,
            metrics: metrics, events: events,
            // Commands from the CLI (select, regenerate, retry, delete) reach the scheduler through the database.
            databaseChanges: { [stateDir = configuration.stateDir] onChange in
                let watch = DatabaseChangeWatch(stateDir: stateDir, onChange: onChange)
                return { watch.stop() }
            })
        self.watcher = InboxWatcher(
            roots: configuration.watches.map(\.watchRoot), rescanInterval: .seconds(configuration.daemon.rescanIntervalSeconds),
            pollInterval: .milliseconds(configuration.daemon.pollIntervalMs), logger: logger)
    }
}
