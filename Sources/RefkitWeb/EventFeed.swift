import Foundation
import Logging
import RefkitCore
import RefkitStore
import RefkitSystem
import Synchronization

/// The web server's one reader of the event log: woken when the database changes (by the daemon
/// or by a CLI command in another process), it reads the new events once, with the current
/// summary of each kit they touch, and hands the finished SSE messages to every subscriber. Fifty
/// open browsers cost one read per change, not fifty.
public final class EventFeed: Sendable {
    /// One event ready to send: its id, its SSE message, its JSON for the long-poll form.
    public struct Item: Sendable {
        public var id: Int64
        public var message: String
        public var json: JSONValue
    }

    /// What a subscriber receives: new events, or a keep-alive tick.
    public enum Delivery: Sendable {
        case items([Item])
        case keepAlive
    }

    /// Events read per store read; a burst larger than this is read in several.
    static let batch = 500
    /// Deliveries a subscriber may have waiting; one that falls further behind is ended, and its
    /// browser reconnects with `Last-Event-ID` and catches up from the store.
    static let backlog = 64

    private let database: RefkitDatabase
    private let logger: Logger
    private let keepAliveInterval: Duration
    private let state: Mutex<State>

    private struct State {
        var lastID: Int64
        var subscribers: [Int: AsyncStream<Delivery>.Continuation] = [:]
        var nextKey = 0
        var reading = false
        var readAgain = false
    }

    /// Starts at the newest event in `database`.
    public init(database: RefkitDatabase, keepAliveInterval: Duration = .seconds(15), logger: Logger) throws {
        self.database = database
        self.logger = logger
        self.keepAliveInterval = keepAliveInterval
        state = Mutex(State(lastID: try database.lastEventID()))
    }

    /// The id of the newest event the feed has handed out.
    public var lastID: Int64 { state.withLock { $0.lastID } }

    /// Number of open subscriptions (streams and long polls).
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A stream of what is read after this call; it ends when the subscriber falls behind by
    /// `backlog` deliveries or the feed stops. Cancel the iterating task to leave.
    public func subscribe() -> AsyncStream<Delivery> {
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self, bufferingPolicy: .bufferingOldest(Self.backlog))
        let key = state.withLock { state in
            defer { state.nextKey += 1 }
            state.subscribers[state.nextKey] = continuation
            return state.nextKey
        }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: key) } }
        return stream
    }

    /// Runs until cancelled: wakes on database changes and ticks keep-alives.
    public func run(stateDir: String) async {
        let watch = DatabaseChangeWatch(stateDir: stateDir) { [weak self] in self?.changed() }
        defer { watch.stop() }
        // Events written before the watch began.
        changed()
        while !Task.isCancelled {
            do { try await Task.sleep(for: keepAliveInterval) } catch { break }
            send(.keepAlive)
        }
        let ending = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in ending { continuation.finish() }
    }

    /// The database changed: read what is new, once at a time (a change during a read reads again).
    public func changed() {
        let start = state.withLock { state in
            if state.reading {
                state.readAgain = true
                return false
            }
            state.reading = true
            return true
        }
        guard start else { return }
        Task.detached { [self] in
            repeat {
                readNew()
            } while state.withLock { state in
                if state.readAgain {
                    state.readAgain = false
                    return true
                }
                state.reading = false
                return false
            }
        }
    }

    private func readNew() {
        do {
            // Nobody listens: move on without reading the events or their kits (a subscriber
            // replays what it missed from the store itself).
            if subscriberCount == 0 {
                let newest = try database.lastEventID()
                state.withLock { $0.lastID = max($0.lastID, newest) }
                return
            }
            while true {
                let after = state.withLock { $0.lastID }
                let events = try database.events(after: after, limit: Self.batch)
                guard let last = events.last else { return }
                let items = try Self.items(events, database: database)
                state.withLock { $0.lastID = last.id }
                send(.items(items))
                if events.count < Self.batch { return }
            }
        } catch {
            logger.warning("web event feed could not read the event log", metadata: ["error": "\(error)"])
        }
    }

    private func send(_ delivery: Delivery) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for continuation in subscribers {
            if case .dropped = continuation.yield(delivery) { continuation.finish() }
        }
    }

    /// `events` as messages, each with the current summary of its kit (null once deleted); one
    /// summary per kit per read.
    public static func items(_ events: [EventRecord], database: RefkitDatabase) throws -> [Item] {
        // By id in one read: `kit(_:)` also matches names and slugs, which costs a scan of the kits.
        let kits = Array(try database.kits(ids: Array(Set(events.compactMap(\.kitID)))).values)
        let summaries = try database.kitSummaries(kits)
        let byID = Dictionary(uniqueKeysWithValues: zip(kits.map(\.id), summaries))
        return events.map { event in
            let kit = event.kitID.flatMap { byID[$0] } ?? .null
            return Item(id: event.id, message: EventStream.message(event, kit: kit), json: EventStream.json(event, kit: kit))
        }
    }
}
