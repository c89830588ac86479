import GRDB
import RefkitCore

/// Reads for pages of kits, in one query each, so a page of 50 kits costs a fixed number of reads
/// (the web list, the API list) rather than one per kit.
extension RefkitDatabase {
    /// The stages of each of `kitIDs`, in creation order; a kit without stages is absent.
    public func stages(ofKits kitIDs: [String]) throws -> [String: [StageRecord]] {
        guard !kitIDs.isEmpty else { return [:] }
        return try pool.read { db in
            let marks = Array(repeating: "?", count: kitIDs.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM stages WHERE kit_id IN (\(marks)) ORDER BY id", arguments: StatementArguments(kitIDs))
            var byKit: [String: [StageRecord]] = [:]
            for row in rows {
                let record = try Self.stageRecord(row)
                byKit[record.kitID, default: []].append(record)
            }
            return byKit
        }
    }

    /// What each of `kitIDs` has spent on QA judges (`qaSpend`), in one query; kits without QA spend are absent.
    public func qaSpend(ofKits kitIDs: [String]) throws -> [String: Double] {
        guard !kitIDs.isEmpty else { return [:] }
        return try pool.read { db in
            let marks = Array(repeating: "?", count: kitIDs.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT kit_id, sum(usd) AS usd FROM budget_reservations
                    WHERE kit_id IN (\(marks)) AND state = 'spent' AND subject LIKE 'qa judge: %' GROUP BY kit_id
                    """, arguments: StatementArguments(kitIDs))
            return Dictionary(uniqueKeysWithValues: rows.map { (($0["kit_id"] as String), ($0["usd"] as Double)) })
        }
    }

    /// The summaries of `kits` as the list API and `kits --json` give them (`KitJSON.summary`), with two reads in all.
    public func kitSummaries(_ kits: [KitRecord]) throws -> [JSONValue] {
        let ids = kits.map(\.id)
        let stages = try stages(ofKits: ids)
        let spend = try qaSpend(ofKits: ids)
        return kits.map { kit in
            let kitStages = stages[kit.id] ?? []
            return KitJSON.summary(kit, stages: kitStages, qa: KitJSON.qaSummary(kitStages, spendUSD: spend[kit.id] ?? 0))
        }
    }
}
