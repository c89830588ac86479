import Synchronization

/// A one-bit signal between tasks: `signal()` wakes the current `wait()`, or the next one if
/// nobody waits yet. Used to tell the scheduler that new work exists.
public final class Wakeup: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the current waiter, or the next one.
    public func signal() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.signalled = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next signal (at once when one is pending).
    public func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = state.withLock { s in
                if s.signalled {
                    s.signalled = false
                    return true
                }
                s.waiter?.resume()
                s.waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
    }
}
