import Foundation
import RefkitCore
import RefkitSystem
import RefkitWeb

extension Daemon {
    /// How often retention runs: kits are kept for whole days, so once a day (and at start) is
    /// as exact as the setting asks.
    static let expiryInterval: Duration = .seconds(86_400)

    /// Removes the kits past their watch's `outbox_retention_days` at start, then once a day,
    /// until cancelled. The file work runs on a dispatch queue (it blocks), not on the cooperative pool.
    func expireKitsDaily() async {
        let executor = DispatchTaskExecutor(label: "refkit.expiry")
        while !Task.isCancelled {
            _ = await withTaskExecutorPreference(executor) { expireKits(now: Date()) }
            do { try await Task.sleep(for: Self.expiryInterval) } catch { return }
        }
    }

    /// One retention pass with the configuration in force (a reload changes the days): each due
    /// kit goes through `KitDeletion`, which refuses a kit being made; each removal is logged
    /// and counted. Returns the ids removed. A watch removed from the configuration keeps its
    /// kits: no retention applies to them any more.
    @discardableResult
    public func expireKits(now: Date) -> [String] {
        let watches = Dictionary(configuration.watches.map { ($0.name, $0.outboxRetentionDays) }, uniquingKeysWith: { a, _ in a })
        guard watches.values.contains(where: { $0 != nil }) else { return [] }
        let due: [KitExpiry.Kit]
        do { due = try KitDeletion.dueKits(database: database, now: now, days: { watches[$0] ?? nil }) } catch {
            logger.warning("cannot read the kits for outbox_retention_days; none removed this round", metadata: ["error": "\(error)"])
            return []
        }
        var removed: [String] = []
        for kit in due {
            guard let days = watches[kit.watch] ?? nil else { continue }
            do {
                guard
                    let outcome = try KitDeletion.expire(kit, days: days, now: now, database: database, stateDir: configuration.stateDir)
                else { continue }
                metrics.kitsExpired.increment(labels: ["watch": kit.watch])
                removed.append(kit.id)
                logger.info(
                    "kit removed: older than the watch's outbox_retention_days",
                    metadata: [
                        "kit.id": "\(outcome.kitID)", "kit": "\(outcome.kitName)", "watch": "\(kit.watch)", "days": "\(days)",
                        "updated_at": "\(kit.updatedAt)", "removed": "\(outcome.removed.joined(separator: ", "))",
                    ])
            } catch {
                // A kit being made again is refused by the store (kit_busy); the next pass looks again.
                logger.warning(
                    "cannot remove an expired kit; tried again tomorrow",
                    metadata: ["kit.id": "\(kit.id)", "watch": "\(kit.watch)", "error": "\(error)"])
            }
        }
        return removed
    }
}
