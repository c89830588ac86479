import Foundation
import RefkitCore
import RefkitStore

/// Retention (`outbox_retention_days`, `refkit delete --older-than`): the store's kits put
/// through `KitExpiry`, each due kit removed by `KitDeletion.delete`.
extension KitDeletion {
    /// The kits `KitExpiry` finds due at `now`, oldest first; `days` gives each watch's retention.
    public static func dueKits(database: RefkitDatabase, now: Date, days: (String) -> Int?) throws -> [KitExpiry.Kit] {
        KitExpiry.due(try database.kits().map(expiryKit), now: now, days: days)
    }

    /// Deletes `kit` if it is still due: the store is asked again just before, because a
    /// regenerate, retry or follow-up since the list was read makes it young (or busy) again.
    /// Returns nil when it is no longer due (or already gone); throws what `delete` throws.
    public static func expire(_ kit: KitExpiry.Kit, days: Int, now: Date, database: RefkitDatabase, stateDir: String) throws -> Outcome? {
        guard let current = try database.kit(kit.id), KitExpiry.isDue(expiryKit(current), days: days, now: now) else { return nil }
        return try delete(current.id, database: database, stateDir: stateDir)
    }

    /// A stored kit as retention sees it.
    static func expiryKit(_ record: KitRecord) -> KitExpiry.Kit {
        KitExpiry.Kit(id: record.id, name: record.name, watch: record.watch, status: record.status, updatedAt: record.updatedAt)
    }
}
