import Foundation
import RefkitCore
import RefkitStore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// Which file a database path names: a database deleted or replaced while the daemon runs has
/// another (or no) identity, while the daemon's open handle still writes into the old one.
struct DatabaseFileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

extension StateDirectory {
    /// Before the database is opened (which would create an empty one): a state directory with
    /// work files or originals but no database has lost it, and starting would forget every kit,
    /// let the janitor remove their work files and reset the day's spend.
    func checkDatabasePresent() throws(RefkitError) {
        guard DatabaseFileIdentity(path: databasePath) == nil else { return }
        let held = ["work", "originals"].flatMap { sub in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(sub)")) ?? []).map { "\(sub)/\($0)" }
        }
        guard held.isEmpty else {
            throw RefkitError(
                .databaseMissing,
                "the state database is missing but the state directory holds kits' files; refusing to start with an empty one",
                detail: "\(databasePath) is absent; \(held.count) entries in work/ and originals/ (restore the database from a backup)")
        }
    }

    /// Opens the database and checks it (`PRAGMA quick_check`): `database_damaged` when it cannot be
    /// opened or is not sound.
    func openCheckedDatabase() throws -> RefkitDatabase {
        try checkDatabasePresent()
        let database: RefkitDatabase
        do {
            database = try RefkitDatabase(path: databasePath)
        } catch {
            throw RefkitError(.databaseDamaged, "the state database cannot be opened", detail: "\(databasePath): \(error)")
        }
        try Self.checkSound(database)
        return database
    }

    static func checkSound(_ database: RefkitDatabase) throws(RefkitError) {
        let problems: [String]
        do {
            problems = try database.quickCheck()
        } catch {
            throw RefkitError(.databaseDamaged, "the state database cannot be read", detail: "\(database.path): \(error)")
        }
        guard problems == ["ok"] else {
            throw RefkitError(
                .databaseDamaged, "the state database is damaged",
                detail: "\(database.path): \(problems.prefix(3).joined(separator: "; "))")
        }
    }
}
