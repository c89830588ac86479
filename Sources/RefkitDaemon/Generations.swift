import RefkitCore
import RefkitPipeline
import Synchronization

/// The generations of one daemon run: the newest (whose configuration is in force), the one
/// whose scheduler runs (the old one while it drains after a reload), the ones with a service
/// still running, and what the retired ones counted.
final class Generations: Sendable {
    fileprivate struct State {
        var latest: Generation
        var scheduling: Generation
        var live: [GenerationRun] = []
        var retired = Totals()
        var intakeRetired: Set<Int> = []
        var schedulerRetired: Set<Int> = []
        var stopping = false
    }

    private let state: Mutex<State>

    init(first: Generation) {
        state = Mutex(State(latest: first, scheduling: first))
    }

    /// The newest generation (a reload's, as soon as it was set up).
    var latest: Generation { state.withLock { $0.latest } }
    /// The generation whose scheduler runs.
    var scheduling: Generation { state.withLock { $0.scheduling } }
    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Makes `run` the newest generation, to be started; false (and nothing changes) once the
    /// daemon stops, so a stop never misses a generation that starts after it.
    func adopt(_ run: GenerationRun) -> Bool {
        state.withLock { s in
            guard !s.stopping else { return false }
            s.latest = run.generation
            s.live.append(run)
            return true
        }
    }

    /// Marks the daemon as stopping; returns the generations with a service still running, to stop
    /// them, or nil when the stop had already begun.
    func beginStop() -> [GenerationRun]? {
        state.withLock { s in
            guard !s.stopping else { return nil }
            s.stopping = true
            return s.live
        }
    }

    func schedulerStarted(_ generation: Generation) {
        state.withLock { $0.scheduling = generation }
    }

    /// Adds a generation's intake counts to the retired totals once its intake has ended.
    func retireIntake(of generation: Generation) async {
        let intake = generation.intake
        let counts = (await intake.accepted, await intake.rejected, await intake.duplicates)
        state.withLock { s in
            s.retired.accepted += counts.0
            s.retired.rejected += counts.1
            s.retired.duplicates += counts.2
            s.intakeRetired.insert(generation.number)
            s.dropIfRetired(generation.number)
        }
    }

    /// Adds a generation's finished kits and references to the retired totals once its scheduler has ended.
    func retireScheduler(of generation: Generation) async {
        let scheduler = generation.scheduler
        let finished = await scheduler.finished
        let references = await scheduler.referencesMade
        state.withLock { s in
            s.retired.finished.merge(finished)
            s.retired.references += references
            s.schedulerRetired.insert(generation.number)
            s.dropIfRetired(generation.number)
        }
    }

    /// Counts of retired generations plus the running ones (older generations first, so a kit
    /// that finished again later counts with its latest status).
    func totals() async -> Totals {
        let (retired, intakes, schedulers) = state.withLock { s in
            (
                s.retired, s.live.map(\.generation).filter { !s.intakeRetired.contains($0.number) }.map(\.intake),
                s.live.map(\.generation).filter { !s.schedulerRetired.contains($0.number) }.map(\.scheduler)
            )
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

extension Generations.State {
    fileprivate mutating func dropIfRetired(_ number: Int) {
        guard intakeRetired.contains(number), schedulerRetired.contains(number) else { return }
        live.removeAll { $0.generation.number == number }
    }
}

/// Counts of retired generations (added to the running ones' for summaries and metrics).
struct Totals: Sendable {
    var accepted = 0
    var rejected = 0
    var duplicates = 0
    var finished = FinishedKits()
    var kits: [KitStatus: Int] { finished.counts }
    var references = 0
}
