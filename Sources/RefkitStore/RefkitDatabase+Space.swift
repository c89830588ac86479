import GRDB

extension RefkitDatabase {
    /// Whether `error` is SQLite finding no space for its database or journal (`SQLITE_FULL`): a
    /// condition to wait out, not a reason to fail work.
    public static func isOutOfSpace(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.resultCode == .SQLITE_FULL
    }
}
