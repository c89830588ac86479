import RefkitCore
import RefkitStore

/// Server-Sent Events as the web API sends them (`GET /api/v1/events`): one message per event
/// of the store's append-only log, its SSE `id` the log's id, so a client that reconnects with
/// `Last-Event-ID` gets every later event once, in order (`RefkitDatabase.events(after:)`), and
/// one that never saw an id starts at the newest.
public enum EventStream {
    /// A comment line sent on an idle stream, so proxies and browsers keep it open.
    public static let keepAlive = ": keep-alive\n\n"
    /// What a client waits before reconnecting, in milliseconds (the stream's first line).
    public static let retry = "retry: 2000\n\n"

    /// One event as the API's JSON: the log's fields, nulls kept (a stable shape), and `kit`: the
    /// current summary of its kit (`KitJSON.summary`; null for none or a deleted kit), so a page
    /// replaces its row from one message instead of counting.
    public static func json(_ event: EventRecord, kit: JSONValue = .null) -> JSONValue {
        .object([
            ("id", .number(Double(event.id), isInteger: true)), ("at", .string(event.at)), ("type", .string(event.type)),
            ("kit_id", .optional(event.kitID)), ("watch", .optional(event.watch)), ("subject", .optional(event.subject)),
            ("code", .optional(event.code)), ("message", .optional(event.message)), ("kit", kit),
        ])
    }

    /// One SSE message: `id:`, `event:` (the event's type) and one `data:` line of JSON.
    public static func message(_ event: EventRecord, kit: JSONValue = .null) -> String {
        // The type is the log's own word (`stage_done`); anything that could end the field is left out.
        let type = String(event.type.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }.map(Character.init))
        let data = json(event, kit: kit).serialized.replacingOccurrences(of: "\n", with: "\\n")
        return "id: \(event.id)\nevent: \(type)\ndata: \(data)\n\n"
    }

    /// Where a stream resumes: the `Last-Event-ID` header, else an `after` query value (the
    /// long-poll form); nil (start at the newest) when neither is a whole number of zero or more.
    public static func resumeID(lastEventID: String?, after: String?) -> Int64? {
        for text in [lastEventID, after] {
            guard let trimmed = text?.trimmingCharacters(in: .whitespaces), let id = Int64(trimmed), id >= 0 else { continue }
            return id
        }
        return nil
    }
}
