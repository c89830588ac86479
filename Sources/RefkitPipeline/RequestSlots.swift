import RefkitHTTP
import Synchronization

/// A provider's `concurrency`: how many of its requests are in flight at once. A stage holds
/// a slot only while its request is out, not while it prepares inputs, waits out a retry delay,
/// validates or writes the image, so a provider with `concurrency = 16` really has 16 requests
/// outstanding while other stages do their local work beside them.
///
/// Job-based providers (queues, polling) hold a slot for the whole job through `acquire` and
/// `release`. Single-exchange providers (Gemini, OpenAI) use `transfers` instead: the HTTP
/// client's driver thread starts their requests as places free up, with no task in between.
/// A provider is one kind or the other, so the two never share a limit.
///
/// Waiters are served first come, first served; a cancelled waiter leaves the queue at once.
final class RequestSlots: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var free: Int
        var inFlight = 0
        var peak = 0
        var nextID: UInt64 = 0
        var waiters: [Waiter] = []
        /// Waiters cancelled before they queued (the handler can run first).
        var cancelledEarly: Set<UInt64> = []
    }

    let limit: Int
    private let state: Mutex<State>
    /// The same limit, for requests started by the HTTP client's driver (`RequestGating`).
    let transfers: TransferGate

    init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(free: max(1, limit)))
        transfers = TransferGate(limit: limit)
    }

    /// Requests in flight now, and the most there ever were.
    var usage: (inFlight: Int, peak: Int) { state.withLock { ($0.inFlight, $0.peak) } }

    /// Waits for a slot; throws `CancellationError` when the task is cancelled while waiting.
    func acquire() async throws {
        let id: UInt64 = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let granted: Bool? = state.withLock { s in
                    if s.cancelledEarly.remove(id) != nil { return nil }
                    if s.free > 0 && s.waiters.isEmpty {
                        s.free -= 1
                        s.inFlight += 1
                        s.peak = max(s.peak, s.inFlight)
                        return true
                    }
                    s.waiters.append(Waiter(id: id, continuation: c))
                    return false
                }
                switch granted {
                case true?: c.resume()
                case nil: c.resume(throwing: CancellationError())
                case false?: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { s in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else {
                    s.cancelledEarly.insert(id)
                    return nil
                }
                return s.waiters.remove(at: i)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back, handing it straight to the longest waiter.
    func release() {
        let next: Waiter? = state.withLock { s in
            s.inFlight -= 1
            if s.waiters.isEmpty {
                s.free += 1
                return nil
            }
            s.inFlight += 1
            s.peak = max(s.peak, s.inFlight)
            return s.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}
