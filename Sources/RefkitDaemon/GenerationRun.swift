import Foundation
import Logging
import RefkitCore
import RefkitIntake
import RefkitWatch
import ServiceLifecycle

/// One generation at work: its intake and its scheduler as a child `ServiceGroup`. The group's
/// graceful shutdown ends intake first (the watcher stops, what it yielded is handled), then the
/// scheduler (no new stage; running ones drain up to `drain_timeout_s`).
///
/// After a reload two runs overlap: the new intake starts as soon as the old one has ended, the
/// new scheduler once the old one has drained, so no stage runs twice and no file is taken twice.
final class GenerationRun: Sendable {
    let generation: Generation
    let group: ServiceGroup

    init(_ generation: Generation, after previous: Generation?, daemon: Daemon) {
        self.generation = generation
        // Graceful shutdown runs in reverse: intake ends before the scheduler is told to drain.
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(
                        service: SchedulerLoop(generation: generation, previous: previous, generations: daemon.generations),
                        serviceName: "scheduler-\(generation.number)"),
                    .init(
                        service: IntakeLoop(generation: generation, previous: previous, daemon: daemon),
                        serviceName: "intake-\(generation.number)"),
                ],
                logger: daemon.lifecycleLogger))
    }
}

/// A generation's watcher and intake: every settled file goes to intake until graceful shutdown.
struct IntakeLoop: Service {
    let generation: Generation
    let previous: Generation?
    let daemon: Daemon

    func run() async throws {
        defer { generation.intakeEnded.open() }
        if let previous {
            _ = await previous.intakeEnded.wait()
            // Pairings the old intake held are claimed in the store only: free them for this one's rescan.
            do { _ = try daemon.database.releaseUnfinishedClaims() } catch {
                daemon.logger.warning("cannot release the claims of the previous intake", metadata: ["error": "\(error)"])
            }
        }
        let watcher = generation.watcher
        do {
            try await withGracefulShutdownHandler {
                try await generation.intake.takeIn(
                    from: watcher, willTake: { daemon.willTake($0) },
                    didTake: { event in
                        daemon.didTake(event, generation: generation)
                        generation.handled.add()
                        generation.activity.publish(())
                    })
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
    let previous: Generation?
    let generations: Generations

    func run() async {
        defer { generation.schedulerEnded.open() }
        if let previous {
            // A stop while the old scheduler drains: this one never starts.
            _ = await cancelWhenGracefulShutdown { await previous.schedulerEnded.wait() }
            if Task.isShuttingDownGracefully || Task.isCancelled || generations.isStopping {
                generation.schedulerStarted.open(false)
                await stayUntilGroupShutdown()
                return await generations.retireScheduler(of: generation)
            }
        }
        generations.schedulerStarted(generation)
        generation.schedulerStarted.open(true)
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
