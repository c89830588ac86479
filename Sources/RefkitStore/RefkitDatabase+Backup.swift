import Foundation
import GRDB
import RefkitCore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// What `RefkitDatabase.backup(to:)` wrote.
public struct BackupReport: Sendable, Equatable {
    /// The backup's path.
    public var path: String
    /// Its size.
    public var bytes: Int64
    /// Kits in it.
    public var kits: Int
    /// Its schema: the last migration applied.
    public var schema: String
}

extension RefkitDatabase {
    /// Copies the store to `path` as one consistent snapshot, while a daemon may be writing.
    ///
    /// SQLite's online backup runs inside one read transaction of the WAL database, so the
    /// daemon neither waits nor shows through half-done. The copy is made beside `path` under a
    /// temporary name, switched to a rollback journal (one self-contained file, no `-wal`),
    /// checked with `PRAGMA integrity_check`, synced, and only then renamed to `path` (replacing
    /// a file there) and its folder synced: `path` is a whole, sound database or untouched.
    /// - Throws: `RefkitError` `backup_unwritable` (the folder is missing or not writable, with
    ///   the reason) or `backup_failed` (reading the store failed, or the copy failed its check).
    public func backup(to path: String) throws(RefkitError) -> BackupReport {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(folder)/\(DurableFile.temporaryPrefix)\(String(UInt64.random(in: .min ... .max), radix: 36)).sqlite"
        guard access(folder, W_OK | X_OK) == 0 else {
            throw RefkitError(
                .backupUnwritable, "cannot write the backup \(path)", detail: "\(folder): \(String(cString: strerror(errno)))")
        }
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        let report: BackupReport
        do {
            let copy = try DatabaseQueue(path: temporary)
            try pool.backup(to: copy)
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            let (problems, kits, schema) = try copy.read { db in
                (
                    try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT count(*) FROM kits") ?? 0,
                    try Migrations.migrator.appliedMigrations(db).last ?? "none"
                )
            }
            try copy.close()
            guard problems == ["ok"] else {
                throw RefkitError(
                    .backupFailed, "the backup's copy failed its integrity check", detail: problems.prefix(5).joined(separator: "; "))
            }
            report = BackupReport(path: path, bytes: 0, kits: kits, schema: schema)
        } catch let error as RefkitError {
            throw error
        } catch {
            throw RefkitError(.backupFailed, "cannot back up the database \(self.path)", detail: "\(error)")
        }
        do throws(SystemCallError) {
            try DurableFile.commit(temporary, to: path)
        } catch {
            throw RefkitError(.backupUnwritable, "cannot write the backup \(path)", detail: "\(error)")
        }
        var written = report
        written.bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        return written
    }
}
