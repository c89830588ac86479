import Foundation
import Logging
import RefkitCore
import RefkitIntake
import RefkitWatch
import ServiceLifecycle
import Synchronization

/// One generation at work: its intake and its scheduler as a child `ServiceGroup`, and the gates
/// the reload hand-over waits on. The group's graceful shutdown ends intake first (the watcher
/// stops, what it yielded is handled), then the scheduler (no new stage; running ones drain up
/// to `drain_timeout_s`).
///
/// After a reload two runs overlap: the new intake starts as soon as the old one has ended, the
/// new scheduler once the old one has drained, so no stage runs twice and no file is taken twice.
final class GenerationRun: Sendable {
    let generation: Generation
    let group: ServiceGroup
    let intakeEnded: Latch<Void>
    let schedulerEnded: Latch<Void>
    /// True once the scheduler runs; false when a stop came before its turn.
    let schedulerStarted: Latch<Bool>
    /// Published after each watcher event is handled (`once` compares `handled` with what the
    /// watcher yielded, and looks again when this comes).
    let activity: EventBroadcast<Void>
    /// Watcher events intake has handled (`once` compares it with what the watcher yielded).
    let handled: EventCount

    init(_ generation: Generation, after previous: GenerationRun?, daemon: Daemon) {
        let intakeEnded = Latch<Void>()
        let schedulerEnded = Latch<Void>()
        let schedulerStarted = Latch<Bool>()
        let handled = EventCount()
        let activity = EventBroadcast<Void>()
        let intake = IntakeLoop(
            generation: generation, daemon: daemon, previousEnded: previous?.intakeEnded, ended: intakeEnded, handled: handled,
            activity: activity)
        let scheduler = SchedulerLoop(
            generation: generation, generations: daemon.generations, previousEnded: previous?.schedulerEnded,
            started: schedulerStarted, ended: schedulerEnded)
        // Graceful shutdown runs in reverse: intake ends before the scheduler is told to drain.
        self.group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: scheduler, serviceName: "scheduler-\(generation.number)"),
                    .init(service: intake, serviceName: "intake-\(generation.number)"),
                ],
                logger: daemon.lifecycleLogger))
        self.generation = generation
        self.intakeEnded = intakeEnded
        self.schedulerEnded = schedulerEnded
        self.schedulerStarted = schedulerStarted
        self.handled = handled
        self.activity = activity
    }
}

/// A generation's watcher and intake: every settled file goes to intake until graceful shutdown.
struct IntakeLoop: Service {
    let generation: Generation
    let daemon: Daemon
    let previousEnded: Latch<Void>?
    let ended: Latch<Void>
    let handled: EventCount
    let activity: EventBroadcast<Void>

    func run() async throws {
        defer { ended.open() }
        if let previousEnded {
            _ = await previousEnded.wait()
            // Pairings the old intake held are claimed in the store only: free them for this one's rescan.
            do { _ = try daemon.database.releaseUnfinishedClaims() } catch {
                daemon.logger.warning("cannot release the claims of the previous intake", metadata: ["error": "\(error)"])
            }
        }
        let watcher = generation.watcher
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await watcher.run() }
                    // Intake takes the inboxes in turns, so a drop is not queued behind another inbox's batch.
                    let queue = InboxQueue()
                    group.addTask {
                        for await event in watcher.events { queue.push(event) }
                        queue.finish()
                    }
                    while let event = await queue.next() {
                        await daemon.handle(event, generation: generation)
                        handled.add()
                        activity.publish(())
                    }
                }
            } onGracefulShutdown: {
                watcher.shutdown()
            }
        } catch {
            await retire()
            throw error
        }
        await retire()
    }

    private func retire() async {
        await generation.intake.shutdown()
        await daemon.generations.retireIntake(of: generation)
    }
}

/// A generation's scheduler: starts once the previous one has drained, runs until graceful
/// shutdown, then lets its running stages finish (up to `drain_timeout_s`).
struct SchedulerLoop: Service {
    let generation: Generation
    let generations: Generations
    let previousEnded: Latch<Void>?
    let started: Latch<Bool>
    let ended: Latch<Void>

    func run() async {
        defer { ended.open() }
        if let previousEnded {
            // A stop while the old scheduler drains: this one never starts.
            _ = await cancelWhenGracefulShutdown { await previousEnded.wait() }
            if Task.isShuttingDownGracefully || Task.isCancelled || generations.isStopping {
                started.open(false)
                // Stays until the group's shutdown reaches it (after intake's): a service that
                // ends first would cancel the group.
                if !Task.isShuttingDownGracefully, !Task.isCancelled { try? await gracefulShutdown() }
                return await generations.retireScheduler(of: generation)
            }
        }
        generations.schedulerStarted(generation)
        started.open(true)
        let scheduler = generation.scheduler
        await withDiscardingTaskGroup { group in
            group.addTask {
                do { try await gracefulShutdown() } catch { return }
                await scheduler.stop()
            }
            // New work from intake: each kit it queues wakes the scheduler.
            group.addTask {
                for await event in generation.intakeEvents {
                    if case .kitQueued = event { generation.wakeup.signal() }
                }
            }
            await scheduler.run()
            // The scheduler has ended: the stop waiter and the forwarder end with it.
            group.cancelAll()
        }
        await generations.retireScheduler(of: generation)
    }
}

/// How many watcher events intake has handled, read by `once` from another task.
final class EventCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
