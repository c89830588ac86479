import Foundation

/// Which kits retention removes (`[[watch]] outbox_retention_days`, `refkit delete --older-than`):
/// a value with no I/O. A kit is due when it is finished (complete, partial or failed) and its
/// last change is more than the given number of days before `now`. A kit still queued,
/// analyzing, generating or awaiting a selection is never due, whatever its age: someone is
/// still waiting for it.
public enum KitExpiry {
    /// A kit as retention sees it.
    public struct Kit: Sendable, Equatable {
        /// The kit's id.
        public var id: String
        /// The kit's name, for the person reading the list.
        public var name: String
        /// The watch the kit came from, whose `outbox_retention_days` applies.
        public var watch: String
        /// Where the kit is in its life cycle.
        public var status: KitStatus
        /// The kit's last change, as the store writes it (`Timestamp`): its text orders by time.
        public var updatedAt: String

        /// A kit for `due`.
        public init(id: String, name: String, watch: String, status: KitStatus, updatedAt: String) {
            self.id = id
            self.name = name
            self.watch = watch
            self.status = status
            self.updatedAt = updatedAt
        }
    }

    /// The last `updated_at` a kit may have and still be too young at `now` for `days`: a kit
    /// changed exactly `days` days ago is kept; one changed a millisecond earlier is due.
    public static func cutoff(days: Int, now: Date) -> String {
        Timestamp.string(now.addingTimeInterval(-Double(days) * 86_400))
    }

    /// Whether `kit` is due for removal when kits are kept `days` days.
    public static func isDue(_ kit: Kit, days: Int, now: Date) -> Bool {
        kit.status.isFinished && kit.updatedAt < cutoff(days: days, now: now)
    }

    /// The due kits among `kits`, oldest first; `days` gives each watch's retention (nil: kept
    /// for ever, the default).
    public static func due(_ kits: [Kit], now: Date, days: (String) -> Int?) -> [Kit] {
        kits.filter { kit in days(kit.watch).map { isDue(kit, days: $0, now: now) } ?? false }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
    }
}
