import Foundation
import RefkitStore

/// What `refkit hooks`, the Hooks page and `GET /api/v1/hooks/deliveries` cost on a big store:
/// `--hooks N` stores N deliveries (about 1 KiB of body each, as the dispatcher keeps them for 30
/// days) of three hooks over the bench's kits, 1 in 50 given up and 1 in 100 pending, then times
/// each listing the way the CLI and the page ask for it, and the counts line every listing shows.
func hookViewsBench(database: RefkitDatabase, deliveries: Int, kits: Int) throws {
    let built = ContinuousClock.now
    try database.execute(
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(deliveries))
        INSERT INTO hook_deliveries (hook, action, event_id, event, kit_id, status, attempts, next_at, last_error, payload,
                                     created_at, updated_at)
        SELECT CASE i % 3 WHEN 0 THEN 'chat' WHEN 1 THEN 'ops' ELSE 'desk' END, 'url', i, 'kit_complete',
               printf('k%08d', i % \(kits) + 1),
               CASE WHEN i % 50 = 0 THEN 'failed' WHEN i % 100 = 1 THEN 'pending' ELSE 'delivered' END,
               CASE WHEN i % 50 = 0 THEN 8 ELSE 1 END, '2026-01-01T00:00:00.000Z',
               CASE WHEN i % 50 = 0 THEN 'HTTP 502 (gave up after 8 attempts)' END, printf('%.1024c', 'x'),
               strftime('%Y-%m-%dT%H:%M:%fZ', 1765000000 + i, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', 1765000000 + i, 'unixepoch')
        FROM n;
        """)
    print("hooks: \(deliveries) deliveries, built in \(ContinuousClock.now - built)")
    let kit = String(format: "kit %d", kits / 2)
    try time("hooks: newest 50") { try database.hookDeliveryViews(HookDeliveryFilter()).count }
    try time("hooks: newest 50 of one hook") { try database.hookDeliveryViews(HookDeliveryFilter(hook: "ops")).count }
    try time("hooks: newest 50 given up (1 in 50)") { try database.hookDeliveryViews(HookDeliveryFilter(status: .failed)).count }
    try time("hooks: one kit's, by name") { try database.hookDeliveryViews(HookDeliveryFilter(kit: kit)).count }
    try time("hooks: counts per hook", unit: "hooks") { try database.hookDeliveryCounts().count }
}
