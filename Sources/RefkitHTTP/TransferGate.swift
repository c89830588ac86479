import Synchronization

/// A cap on how many transfers of one group are in flight at once (a provider's
/// `concurrency`), enforced by the driver thread itself.
///
/// A request that carries a gate waits in the driver's queue, already built, until the group
/// has a free place; when one of the group's transfers ends, the driver starts the next one
/// before it even resumes the finished request's task. A slot is therefore never idle while
/// the task that held it waits for a thread, and a request waiting for a slot is not yet
/// counting its timeout (curl starts the clock when the transfer starts; for redirects, each
/// hop passes the gate again and only the time hops ran adds up to `HTTPRequest.timeout`).
///
/// A gate belongs to one `HTTPClient`: a place freed by another client's driver would not
/// wake this one's (the daemon keeps one client and one gate per provider).
public final class TransferGate: Sendable {
    public let limit: Int
    private let counts = Mutex((inFlight: 0, peak: 0))

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Transfers in flight now, and the most there ever were.
    public var usage: (inFlight: Int, peak: Int) { counts.withLock { ($0.inFlight, $0.peak) } }

    /// Driver thread only: takes a place if one is free.
    func tryEnter() -> Bool {
        counts.withLock { c in
            guard c.inFlight < limit else { return false }
            c.inFlight += 1
            c.peak = max(c.peak, c.inFlight)
            return true
        }
    }

    /// Driver thread only: gives a place back.
    func leave() {
        counts.withLock { $0.inFlight -= 1 }
    }
}
