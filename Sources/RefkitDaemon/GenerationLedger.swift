import RefkitCore
import RefkitPipeline

/// The bookkeeping of a daemon run's generations as a value: which runs are live (a stop shuts
/// them down), which parts still count (an intake or scheduler that has not ended), and what the
/// ended parts counted. A part's counts move into `retired` as it ends, so no total counts it
/// twice, and a run whose two parts ended is dropped. After `beginStop` no run is adopted: a stop
/// never misses a generation that starts after it.
struct GenerationLedger<Run: Sendable>: Sendable {
    private(set) var live: [(number: Int, run: Run)] = []
    private(set) var retired = Totals()
    private(set) var stopping = false
    private var intakesEnded: Set<Int> = []
    private var schedulersEnded: Set<Int> = []

    /// Adds a run to be started; false (and nothing changes) once the stop began.
    mutating func adopt(_ run: Run, number: Int) -> Bool {
        guard !stopping else { return false }
        live.append((number, run))
        return true
    }

    /// The live runs, to stop them; nil when the stop had begun already.
    mutating func beginStop() -> [Run]? {
        guard !stopping else { return nil }
        stopping = true
        return live.map(\.run)
    }

    mutating func intakeEnded(_ number: Int, accepted: Int, rejected: Int, duplicates: Int) {
        retired.accepted += accepted
        retired.rejected += rejected
        retired.duplicates += duplicates
        intakesEnded.insert(number)
        dropIfEnded(number)
    }

    mutating func schedulerEnded(_ number: Int, finished: FinishedKits, references: Int) {
        retired.finished.merge(finished)
        retired.references += references
        schedulersEnded.insert(number)
        dropIfEnded(number)
    }

    /// Live runs whose intake still counts, oldest first.
    var countingIntakes: [Run] { live.filter { !intakesEnded.contains($0.number) }.map(\.run) }
    /// Live runs whose scheduler still counts, oldest first (a kit that finished again later
    /// then counts with its latest status).
    var countingSchedulers: [Run] { live.filter { !schedulersEnded.contains($0.number) }.map(\.run) }

    private mutating func dropIfEnded(_ number: Int) {
        guard intakesEnded.contains(number), schedulersEnded.contains(number) else { return }
        live.removeAll { $0.number == number }
    }
}

/// What a daemon run counted: intake's outcomes, the kits finished and the references made.
struct Totals: Sendable {
    var accepted = 0
    var rejected = 0
    var duplicates = 0
    var finished = FinishedKits()
    var kits: [KitStatus: Int] { finished.counts }
    var references = 0
}
