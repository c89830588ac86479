import Synchronization

/// A one-way gate between tasks: `open(_:)` once with a value, and every `wait()` (earlier or
/// later) returns it. The daemon's generation hand-over waits on these: a new intake for the old
/// one's end, a new scheduler for the old one's drain, a reload for the new scheduler's start.
public final class Latch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The value once opened, nil until then.
    public var value: Value? { state.withLock { $0.value } }

    /// Opens the gate with `value`; later calls change nothing.
    public func open(_ value: Value) {
        let waiters = state.withLock { s -> [CheckedContinuation<Value?, Never>] in
            guard s.value == nil else { return [] }
            s.value = value
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value the gate was opened with; nil when the waiting task is cancelled first.
    public func wait() async -> Value? {
        let id = state.withLock { s -> Int in
            defer { s.nextID += 1 }
            return s.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let now = state.withLock { s -> Value?? in
                    if let value = s.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    s.waiters[id] = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}

extension Latch where Value == Void {
    /// Opens a gate that carries no value.
    public func open() { open(()) }
}

/// A count that one task adds to and others read (how many events were handled so far).
public final class EventCount: Sendable {
    private let count = Mutex(0)

    public init() {}

    /// Counts one more.
    public func add() { count.withLock { $0 += 1 } }
    /// The count now.
    public var value: Int { count.withLock { $0 } }
}
