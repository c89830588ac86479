import RefkitCore

extension RefkitDatabase {
    /// Opens the database at `path` and checks it (`PRAGMA quick_check`): `database_damaged` when
    /// it cannot be opened or is not sound, so a damaged file stops a start instead of its first write.
    public static func openChecked(path: String) throws(RefkitError) -> RefkitDatabase {
        let database: RefkitDatabase
        do {
            database = try RefkitDatabase(path: path)
        } catch {
            throw RefkitError(.databaseDamaged, "the state database cannot be opened", detail: "\(path): \(error)")
        }
        try database.checkSound()
        return database
    }

    /// Throws `database_damaged` when the database cannot be read or `PRAGMA quick_check` finds a problem.
    public func checkSound() throws(RefkitError) {
        let problems: [String]
        do {
            problems = try quickCheck()
        } catch {
            throw RefkitError(.databaseDamaged, "the state database cannot be read", detail: "\(path): \(error)")
        }
        guard problems == ["ok"] else {
            throw RefkitError(
                .databaseDamaged, "the state database is damaged", detail: "\(path): \(problems.prefix(3).joined(separator: "; "))")
        }
    }
}
