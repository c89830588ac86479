import GRDB

extension RefkitDatabase {
    /// SQLite's `PRAGMA quick_check`: `["ok"]` for a sound database, else the problems it found.
    public func quickCheck() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
    }

    /// Of `kitIDs`, those the database records as deleted (`refkit delete`): their work folders
    /// may go. A folder whose kit the database does not know at all is not proof of anything
    /// (the database may have been replaced).
    public func deletedKitIDs(among kitIDs: [String]) throws -> Set<String> {
        guard !kitIDs.isEmpty else { return [] }
        return try pool.read { db in
            let marks = databaseQuestionMarks(count: kitIDs.count)
            return Set(
                try String.fetchAll(
                    db, sql: "SELECT DISTINCT kit_id FROM events WHERE type = 'deleted' AND kit_id IN (\(marks))",
                    arguments: StatementArguments(kitIDs)))
        }
    }
}
