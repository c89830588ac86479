/// Monotonic time in nanoseconds (CLOCK_MONOTONIC).
typealias MonotonicNanos = Int64

/// Decides, for one root, when an entry is ready and that each version of it is reported
/// once. Pure value: callers feed it observations and `lstat` results, it says what to do.
///
/// An entry is pending from its first observation until its `lstat` values stayed the same
/// for `settle` after its last event. A regular file whose last event says a writer still
/// has it open (`IN_CREATE`/`IN_MODIFY` without `IN_CLOSE_WRITE`) is held longer, up to
/// `openWriterGrace` of quiet, so a stalled upload is not taken half-written.
struct SettleTracker {
    /// What an inotify event says about writers of the entry.
    enum WriterHint: Sendable, Equatable {
        /// Nothing (attribute change, rename of a finished file is `.closed`).
        case unknown
        /// Created or written: a writer has it open.
        case opened
        /// Closed after writing, or moved in finished.
        case closed
    }

    /// Where an observation came from.
    enum Cause: Sendable, Equatable {
        case event(WriterHint)
        case scan
    }

    /// Outcome of re-checking a due entry.
    enum Decision: Sendable, Equatable {
        case ready(FileSnapshot)
        /// Changed or a writer is still active: checked again later.
        case waiting
        /// Removed, or nothing to do.
        case dropped
    }

    struct Pending: Sendable, Equatable {
        var snapshot: FileSnapshot
        var deadline: MonotonicNanos
        var lastChange: MonotonicNanos
        var writerOpen: Bool
        var generation: UInt64
    }

    let settle: Int64
    let openWriterGrace: Int64
    private(set) var pending: [String: Pending] = [:]
    private(set) var emitted: [String: SettleKey] = [:]
    // Deadlines only grow (now + a constant settle), so a FIFO is a priority queue here.
    // Entries superseded by a later re-arm are skipped by generation.
    private var queue: [(deadline: MonotonicNanos, path: String, generation: UInt64)] = []
    private var queueHead = 0
    private var nextGeneration: UInt64 = 0

    init(settle: Duration, openWriterGrace: Duration? = nil) {
        self.settle = max(0, settle.nanoseconds)
        self.openWriterGrace = openWriterGrace?.nanoseconds ?? max(30_000_000_000, 10 * self.settle)
    }

    /// Something happened to `path`, which `lstat` now describes as `snapshot`.
    mutating func observe(_ path: String, _ snapshot: FileSnapshot, cause: Cause, now: MonotonicNanos) {
        if var entry = pending[path] {
            let changed = entry.snapshot.settleKey != snapshot.settleKey
            if case .event(let hint) = cause {
                entry.writerOpen = Self.writerOpen(after: hint, was: entry.writerOpen, kind: snapshot.kind)
            } else if !changed {
                return  // a scan of an unchanged pending entry keeps its deadline
            }
            entry.snapshot = snapshot
            entry.lastChange = now
            pending[path] = entry
            arm(path, at: now + settle)
            return
        }
        if emitted[path] == snapshot.identity { return }
        var writerOpen = false
        if case .event(let hint) = cause {
            writerOpen = Self.writerOpen(after: hint, was: false, kind: snapshot.kind)
        }
        pending[path] = Pending(snapshot: snapshot, deadline: 0, lastChange: now, writerOpen: writerOpen, generation: 0)
        arm(path, at: now + settle)
    }

    /// The entry is gone (deleted or moved out): forget it, so that it is reported again
    /// if it comes back.
    mutating func forget(_ path: String) {
        pending[path] = nil
        emitted[path] = nil
    }

    /// Forgets a folder's entries and everything below it; `""` forgets all.
    mutating func forget(under folder: String) {
        if folder.isEmpty {
            pending.removeAll()
            emitted.removeAll()
            return
        }
        let prefix = folder + "/"
        for key in pending.keys where key == folder || key.hasPrefix(prefix) { pending[key] = nil }
        for key in emitted.keys where key == folder || key.hasPrefix(prefix) { emitted[key] = nil }
    }

    /// Stops settling everything (the root paused) but remembers what was reported, so an
    /// unchanged entry is not reported again when the root comes back.
    mutating func dropPending() {
        pending.removeAll()
        queue.removeAll()
        queueHead = 0
    }

    /// A full scan of the root found exactly `found`: entries not found are gone.
    mutating func reconcile(found: [String: FileSnapshot], now: MonotonicNanos) {
        for key in pending.keys where found[key] == nil { pending[key] = nil }
        for key in emitted.keys where found[key] == nil { emitted[key] = nil }
        for (path, snapshot) in found { observe(path, snapshot, cause: .scan, now: now) }
    }

    /// Events were lost (queue overflow): a `IN_CLOSE_WRITE` may be among them, so no
    /// pending entry is held for an open writer any more; settling alone decides.
    mutating func forgetWriterHints() {
        for key in pending.keys { pending[key]?.writerOpen = false }
    }

    /// The earliest time an entry may be due, or nil when nothing is pending.
    mutating func nextDeadline() -> MonotonicNanos? {
        while queueHead < queue.count {
            let head = queue[queueHead]
            if pending[head.path]?.generation == head.generation { return head.deadline }
            queueHead += 1
        }
        compactQueue()
        return nil
    }

    /// Paths whose deadline passed; check each with `lstat` and pass the result to `confirm`.
    mutating func due(now: MonotonicNanos) -> [String] {
        var paths: [String] = []
        while queueHead < queue.count, queue[queueHead].deadline <= now {
            let head = queue[queueHead]
            queueHead += 1
            if pending[head.path]?.generation == head.generation { paths.append(head.path) }
        }
        compactQueue()
        return paths
    }

    /// Re-checks a due entry with its current `lstat` (nil: it no longer exists).
    mutating func confirm(_ path: String, _ snapshot: FileSnapshot?, now: MonotonicNanos) -> Decision {
        guard let snapshot else {
            forget(path)
            return .dropped
        }
        guard var entry = pending[path] else { return .dropped }
        if entry.snapshot.settleKey != snapshot.settleKey {
            entry.snapshot = snapshot
            entry.lastChange = now
            pending[path] = entry
            arm(path, at: now + settle)
            return .waiting
        }
        if entry.writerOpen && now - entry.lastChange < openWriterGrace {
            arm(path, at: now + settle)
            return .waiting
        }
        pending[path] = nil
        if emitted[path] == snapshot.identity { return .dropped }
        emitted[path] = snapshot.identity
        return .ready(snapshot)
    }

    private mutating func arm(_ path: String, at deadline: MonotonicNanos) {
        nextGeneration += 1
        pending[path]?.deadline = deadline
        pending[path]?.generation = nextGeneration
        queue.append((deadline, path, nextGeneration))
    }

    private mutating func compactQueue() {
        if queueHead > 1024 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        } else if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
    }

    private static func writerOpen(after hint: WriterHint, was: Bool, kind: InboxEntry.Kind) -> Bool {
        guard kind == .regular else { return false }
        switch hint {
        case .unknown: return was
        case .opened: return true
        case .closed: return false
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
