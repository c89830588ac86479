import Synchronization

/// A stream of events with any number of subscribers: each `subscribe()` returns its own
/// `AsyncStream` of the events published after it, so the pipeline and intake can announce what
/// they did (a kit queued, a stage done, a kit finished) without knowing who listens: metrics,
/// the systemd status line, Civitai batch summaries, `once`, tests, later a web UI.
///
/// Publishing never waits: each subscriber buffers (unbounded by default; events are small and
/// few per image). A subscriber whose stream ends (its task cancelled, the stream dropped) is
/// removed. `finish()` ends every subscriber's stream, and a later `subscribe()` gets an ended one.
public final class EventBroadcast<Element: Sendable>: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<Element>.Continuation] = [:]
        var nextID = 0
        var finished = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A stream of every event published from now on, until `finish()`.
    public func subscribe(
        bufferingPolicy: AsyncStream<Element>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: bufferingPolicy)
        let id = state.withLock { s -> Int? in
            guard !s.finished else { return nil }
            defer { s.nextID += 1 }
            s.subscribers[s.nextID] = continuation
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Hands `event` to every current subscriber; does nothing after `finish()`.
    public func publish(_ event: Element) {
        let subscribers = state.withLock { s in s.finished ? [] : Array(s.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// Ends every subscriber's stream; later events are dropped.
    public func finish() {
        let subscribers = state.withLock { s -> [AsyncStream<Element>.Continuation] in
            s.finished = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// How many streams are subscribed now (for tests and gauges).
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
