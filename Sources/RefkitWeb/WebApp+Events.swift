import RefkitCore
import RefkitService
import RefkitStore

/// `GET /api/v1/events`: Server-Sent Events, or with `?wait=` a long poll for scripts. Ids are the
/// event log's: a client resuming from `Last-Event-ID` (or `?after=`) gets every later event once,
/// in order, then live ones.
extension WebApp {
    /// Events a reconnecting stream replays before it sends `reset` instead (the page reloads).
    static let replayLimit = 2000
    /// The longest long poll.
    static let maximumWait = 120

    func events(_ request: HTTPRequest) -> HTTPResponse {
        let form = WebForm(request.query)
        let resume = EventStream.resumeID(lastEventID: request.header("Last-Event-ID"), after: form["after"])
        if let wait = form["wait"] {
            guard let seconds = Int(wait), (0...Self.maximumWait).contains(seconds) else {
                return Self.refusal(status: 400, code: "bad_request", message: "wait is seconds from 0 to \(Self.maximumWait)", api: true)
            }
            return longPoll(after: resume ?? feed.lastID, seconds: seconds, limit: Int(form["limit"] ?? "") ?? 500)
        }
        let feed = self.feed
        let database = self.database
        let logger = self.logger
        return HTTPResponse(
            status: Self.statusLine(200), contentType: "text/event-stream; charset=utf-8",
            extraHeaders: ["Cache-Control: no-store", "X-Accel-Buffering: no"]
        ) { writer in
            // Subscribe first, then replay from the store: nothing falls between the two.
            let live = feed.subscribe()
            var sent = resume ?? feed.lastID
            do {
                try await writer.write(EventStream.retry)
                if resume != nil {
                    let backlog = try database.events(after: sent, limit: Self.replayLimit + 1)
                    if backlog.count > Self.replayLimit {
                        try await writer.write("event: reset\ndata: {\"last_id\":\(try database.lastEventID())}\n\n")
                        return
                    }
                    for item in try EventFeed.items(backlog, database: database) {
                        try await writer.write(item.message)
                        sent = item.id
                    }
                }
                for await delivery in live {
                    switch delivery {
                    case .keepAlive: try await writer.write(EventStream.keepAlive)
                    case .items(let items):
                        let fresh = items.filter { $0.id > sent }
                        guard let last = fresh.last else { continue }
                        try await writer.write(fresh.map(\.message).joined())
                        sent = last.id
                    }
                }
            } catch {
                logger.debug("event stream ended", metadata: ["reason": "\(error)"])
            }
        }
    }

    /// Answers at once when events after `after` exist, else waits up to `seconds` for the next.
    func longPoll(after: Int64, seconds: Int, limit: Int) -> HTTPResponse {
        let feed = self.feed
        let database = self.database
        let limit = min(max(1, limit), 500)
        return HTTPResponse(status: Self.statusLine(200), contentType: "application/json", extraHeaders: ["Cache-Control: no-store"]) {
            writer in
            let live = feed.subscribe()
            var items = (try? EventFeed.items(database.events(after: after, limit: limit), database: database)) ?? []
            if items.isEmpty, seconds > 0 {
                items = await Self.firstItems(of: live, after: after, within: .seconds(seconds))
            }
            let last = items.last?.id ?? max(after, 0)
            let body = JSONValue.object([("events", .array(items.prefix(limit).map(\.json))), ("last_id", .integer(Int(last)))])
            try? await writer.write(body.serialized + "\n")
        }
    }

    /// The first delivery of events after `after` on `live`, or none within `limit`.
    static func firstItems(of live: AsyncStream<EventFeed.Delivery>, after: Int64, within limit: Duration) async -> [EventFeed.Item] {
        await withTaskGroup(of: [EventFeed.Item]?.self) { group in
            group.addTask {
                for await delivery in live {
                    if case .items(let items) = delivery {
                        let fresh = items.filter { $0.id > after }
                        if !fresh.isEmpty { return fresh }
                    }
                }
                return []
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return (await group.next() ?? nil) ?? []
        }
    }
}
