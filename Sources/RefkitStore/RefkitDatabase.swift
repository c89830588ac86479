import Foundation
import GRDB
import RefkitCore

#if canImport(Glibc)
import Glibc
#endif

/// The state database: one WAL-mode pool per process, shared safely by the daemon and CLI
/// processes (busy timeout, immediate write transactions, `synchronous=FULL`).
public struct RefkitDatabase: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, readOnly: Bool = false) throws {
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        config.label = "refkit"
        config.prepareDatabase { db in
            // The ledger must survive power loss: FULL fsyncs the WAL at every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        self.path = path
        if !readOnly {
            // The daemon and CLI processes may open a new database at the same moment: an
            // advisory lock makes one of them migrate while the other waits, then finds it done.
            let lockFD = open(path + ".migrate-lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if lockFD >= 0 { flock(lockFD, LOCK_EX) }
            defer {
                if lockFD >= 0 {
                    flock(lockFD, LOCK_UN)
                    close(lockFD)
                }
            }
            try Migrations.migrator.migrate(pool)
        }
    }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    static func now() -> String { Timestamp.string() }

    // MARK: - Events

    static func appendEvent(
        _ db: Database, kitID: String?, watch: String?, subject: String?, type: EventType, code: String? = nil, message: String? = nil
    ) throws {
        try db.execute(
            sql: "INSERT INTO events (at, kit_id, watch, subject, type, code, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [now(), kitID, watch, subject, type.rawValue, code, message])
    }

    /// Appends one event to the log; `type` is its `EventType`'s raw string.
    public func appendEvent(
        kitID: String? = nil, watch: String? = nil, subject: String? = nil, type: String, code: String? = nil, message: String? = nil
    ) throws {
        try pool.write { db in
            try Self.appendEvent(
                db, kitID: kitID, watch: watch, subject: subject, type: EventType(rawValue: type), code: code, message: message)
        }
    }

    public func events(kitID: String? = nil, limit: Int = 1000) throws -> [EventRecord] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE (? IS NULL OR kit_id = ?) ORDER BY id DESC LIMIT ?", arguments: [kitID, kitID, limit])
            return rows.reversed().map(Self.eventRecord)
        }
    }

    /// Raw SQL for tests and diagnostics that must observe the store's invariants.
    public func execute(_ sql: String) throws {
        try pool.write { db in try db.execute(sql: sql) }
    }

    public func scalar(_ sql: String) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
