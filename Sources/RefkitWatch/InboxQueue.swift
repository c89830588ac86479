import Synchronization

/// The watcher's events on their way to intake, handed out in `InboxTurns` order: `push` as the
/// watcher yields them, `next()` for the one intake should handle now (nil once `finish()` was
/// called and nothing waits, or when the waiting task is cancelled).
public final class InboxQueue: Sendable {
    private struct State {
        var turns = InboxTurns()
        var finished = false
        var waiter: CheckedContinuation<InboxEvent?, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    public func push(_ event: InboxEvent) {
        let waiter = state.withLock { s -> CheckedContinuation<InboxEvent?, Never>? in
            guard let waiter = s.waiter else {
                s.turns.push(event)
                return nil
            }
            s.waiter = nil
            return waiter
        }
        waiter?.resume(returning: event)
    }

    /// No more events will come: `next()` returns what still waits, then nil.
    public func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<InboxEvent?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next event to handle; one caller at a time.
    public func next() async -> InboxEvent? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<InboxEvent?, Never>) in
                let now = state.withLock { s -> InboxEvent?? in
                    if let event = s.turns.pop() { return .some(event) }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = c
                    return nil
                }
                if let now { c.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<InboxEvent?, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// How many events wait (for tests and gauges).
    public var count: Int { state.withLock { $0.turns.count } }
}
