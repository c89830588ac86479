/// Where each file of a state directory lives. A value with no I/O, so the CLI can find the
/// database and the lock without taking the lock that `StateDirectory` holds.
public struct StateLayout: Sendable, Hashable {
    /// The SQLite database's file name; SQLite keeps `-wal` and `-shm` files beside it.
    public static let databaseName = "refkit.sqlite"
    /// The daemon's lock file's name; it holds the pid of the daemon that has it.
    public static let lockName = "refkit.lock"

    /// The state directory itself (`state_dir`).
    public let root: String

    /// The layout of the state directory at `root`; nothing is read or made.
    public init(root: String) {
        self.root = root
    }

    /// `refkit.sqlite`.
    public var database: String { "\(root)/\(Self.databaseName)" }
    /// The database's write-ahead log, which every commit changes.
    public var databaseWAL: String { "\(database)-wal" }
    /// `refkit.lock`.
    public var lock: String { "\(root)/\(Self.lockName)" }
    /// Content-addressed originals of accepted sources.
    public var originals: String { "\(root)/originals" }
    /// Work files, one folder per kit.
    public var work: String { "\(root)/work" }
    /// Temporary files of durable writes; anything here at a start is a crash's leftover.
    public var temporary: String { "\(root)/tmp" }

    /// The folder of a kit's work files.
    public func work(kitID: String) -> String { "\(work)/\(kitID)" }

    /// Whether a file name in the root is the database or one of SQLite's files beside it.
    public static func isDatabaseFile(_ name: String) -> Bool { name.hasPrefix(databaseName) }
}
