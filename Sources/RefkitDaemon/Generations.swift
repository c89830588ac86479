import RefkitCore
import RefkitPipeline
import Synchronization

/// The generations of one daemon run: the newest (whose configuration is in force), the one
/// whose scheduler runs (the old one while it drains after a reload), and the `GenerationLedger`
/// of the runs still live and what the retired ones counted.
final class Generations: Sendable {
    private struct State {
        var latest: Generation
        var scheduling: Generation
        var ledger = GenerationLedger<GenerationRun>()
    }

    private let state: Mutex<State>

    init(first: Generation) {
        state = Mutex(State(latest: first, scheduling: first))
    }

    /// The newest generation (a reload's, as soon as it was set up).
    var latest: Generation { state.withLock { $0.latest } }
    /// The generation whose scheduler runs.
    var scheduling: Generation { state.withLock { $0.scheduling } }
    var isStopping: Bool { state.withLock { $0.ledger.stopping } }

    /// Makes `run` the newest generation, to be started; false (and nothing changes) once the
    /// daemon stops, so a stop never misses a generation that starts after it.
    func adopt(_ run: GenerationRun) -> Bool {
        state.withLock { s in
            guard s.ledger.adopt(run, number: run.generation.number) else { return false }
            s.latest = run.generation
            return true
        }
    }

    /// Marks the daemon as stopping; returns the generations with a service still running, to stop
    /// them, or nil when the stop had already begun.
    func beginStop() -> [GenerationRun]? {
        state.withLock { $0.ledger.beginStop() }
    }

    func schedulerStarted(_ generation: Generation) {
        state.withLock { $0.scheduling = generation }
    }

    /// Adds a generation's intake counts to the retired totals once its intake has ended.
    func retireIntake(of generation: Generation) async {
        let intake = generation.intake
        let counts = (await intake.accepted, await intake.rejected, await intake.duplicates)
        state.withLock {
            $0.ledger.intakeEnded(generation.number, accepted: counts.0, rejected: counts.1, duplicates: counts.2)
        }
    }

    /// Adds a generation's finished kits and references to the retired totals once its scheduler has ended.
    func retireScheduler(of generation: Generation) async {
        let scheduler = generation.scheduler
        let (finished, references) = (await scheduler.finished, await scheduler.referencesMade)
        state.withLock { $0.ledger.schedulerEnded(generation.number, finished: finished, references: references) }
    }

    /// Counts of retired generations plus the running ones.
    func totals() async -> Totals {
        let (retired, intakes, schedulers) = state.withLock { s in
            (s.ledger.retired, s.ledger.countingIntakes.map(\.generation.intake), s.ledger.countingSchedulers.map(\.generation.scheduler))
        }
        var totals = retired
        for intake in intakes {
            totals.accepted += await intake.accepted
            totals.rejected += await intake.rejected
            totals.duplicates += await intake.duplicates
        }
        for scheduler in schedulers {
            totals.finished.merge(await scheduler.finished)
            totals.references += await scheduler.referencesMade
        }
        return totals
    }
}
