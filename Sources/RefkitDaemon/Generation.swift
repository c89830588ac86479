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

    private init(
        number: Int, configuration: Configuration, intake: IntakeService, watcher: InboxWatcher, scheduler: KitScheduler,
        intakeEvents: AsyncStream<IntakeEvent>, wakeup: Wakeup
    ) {
        self.number = number
        self.configuration = configuration
        self.intake = intake
        self.watcher = watcher
        self.scheduler = scheduler
        self.intakeEvents = intakeEvents
        self.wakeup = wakeup
    }

    /// Creates the watches' folders, declares their metrics and wires the services; nothing runs yet.
    static func make(
        number: Int, configuration: Configuration, database: RefkitDatabase, logger: Logger, metrics: RefkitMetrics,
        providers: [String: any ImageProvider], events: EventBroadcast<PipelineEvent>
    ) throws -> Generation {
        for watch in configuration.watches {
            for dir in [watch.inbox, watch.outbox, watch.rejected] {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
        }
        for watch in configuration.watches { metrics.declare(watch: watch.name) }
        for provider in configuration.providers.keys { metrics.declare(provider: provider) }
        let wakeup = Wakeup()
        let intake = try IntakeService(configuration: configuration, database: database, logger: logger)
        // Subscribed now, before intake runs, so no kit is missed; SchedulerLoop forwards them.
        let queued = intake.events.subscribe()
        let scheduler = KitScheduler(
            configuration: configuration, database: database,
            registry: ProviderRegistry(configuration: configuration, logger: logger, extra: providers), logger: logger, wakeup: wakeup,
            metrics: metrics,
            events: events,
            // Commands from the CLI (select, regenerate, retry, delete) reach the scheduler through the database.
            databaseChanges: { [stateDir = configuration.stateDir] onChange in
                let watch = DatabaseChangeWatch(stateDir: stateDir, onChange: onChange)
                return { watch.stop() }
            })
        let watcher = InboxWatcher(
            roots: configuration.watches.map(\.watchRoot), rescanInterval: .seconds(configuration.daemon.rescanIntervalSeconds),
            pollInterval: .milliseconds(configuration.daemon.pollIntervalMs), logger: logger)
        return Generation(
            number: number, configuration: configuration, intake: intake, watcher: watcher, scheduler: scheduler, intakeEvents: queued,
            wakeup: wakeup)
    }
}
