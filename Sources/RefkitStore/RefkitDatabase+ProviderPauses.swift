import Foundation
import GRDB
import RefkitCore

/// A provider that asked to be left alone (`Retry-After`) and is paused until `until`.
public struct ProviderPause: Sendable, Equatable {
    public var provider: String
    /// When calls to the provider resume (ISO 8601, as `Timestamp.string`).
    public var until: String
    /// Whether the server asked for longer than `[retry] max_retry_after_s` (the pause was capped).
    public var capped: Bool

    /// Seconds from `now` until the pause ends (0 when it has ended).
    public func secondsLeft(now: Date = Date()) -> Double {
        guard let end = Timestamp.date(until) else { return 0 }
        return max(0, end.timeIntervalSince(now))
    }
}

extension RefkitDatabase {
    /// Records that `provider` is paused until `until` (an event, so `refkit status` in another
    /// process sees it); `capped` when the server's ask was cut to `max_retry_after_s`.
    public func recordProviderPause(provider: String, until: Date, capped: Bool, asked: String) throws {
        try pool.write { db in
            try Self.appendEvent(
                db, kitID: nil, watch: nil, subject: provider, type: .providerPaused, code: capped ? "retry_after_capped" : nil,
                message: "\(Timestamp.string(until)) asked \(asked)")
        }
    }

    /// Providers whose latest pause lasts beyond `now`, by name.
    public func pausedProviders(now: Date = Date()) throws -> [ProviderPause] {
        try pool.read { db in
            // SQLite takes the bare columns from the row with max(id): each provider's latest pause.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT subject, code, message, max(id) FROM events
                    WHERE type = ? GROUP BY subject ORDER BY subject
                    """, arguments: [EventType.providerPaused.rawValue])
            let current = Timestamp.string(now)
            return rows.compactMap { row -> ProviderPause? in
                guard let provider: String = row["subject"], let message: String = row["message"] else { return nil }
                let until = String(message.prefix { $0 != " " })
                guard until > current else { return nil }
                return ProviderPause(provider: provider, until: until, capped: (row["code"] as String?) == "retry_after_capped")
            }
        }
    }
}
