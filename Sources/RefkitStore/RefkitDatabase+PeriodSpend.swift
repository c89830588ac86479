import Foundation
import GRDB
import RefkitCore

extension RefkitDatabase {
    /// What the stages done since `since` cost, in millionths of a dollar (the hourly batch
    /// summary): summed and rounded in SQL, so the period's figure does not drift with doubles.
    public func spendMicrodollars(ofStagesDoneSince since: Date) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT CAST(round(coalesce(sum(cost_usd), 0) * 1000000) AS INTEGER) FROM stages
                    WHERE status = 'done' AND updated_at >= ?
                    """,
                arguments: [Timestamp.string(since)]) ?? 0
        }
    }
}
