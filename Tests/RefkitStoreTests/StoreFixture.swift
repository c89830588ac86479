import RefkitCore
import RefkitDigest
import RefkitStore
import RefkitTestSupport

/// A fresh database file in a temporary folder.
struct StoreFixture {
    let directory: TemporaryDirectory
    let database: RefkitDatabase
    var path: String { database.path }

    init() throws {
        directory = try TemporaryDirectory("store")
        database = try RefkitDatabase(path: directory.url("refkit.sqlite"))
    }

    /// Another connection pool on the same file, as the CLI opens next to a running daemon.
    func secondOpen(readOnly: Bool = false) throws -> RefkitDatabase {
        try RefkitDatabase(path: path, readOnly: readOnly)
    }

    static func file(_ name: String = "mira.jpg", inode: UInt64 = 42, mtime: Int64 = 1_700_000_000_000_000_000) -> FileIdentity {
        FileIdentity(watch: "manual", path: name, device: 2049, inode: inode, size: 1234, mtimeNanos: mtime)
    }

    static func source(seed: Int = 1) -> NewSource {
        let sha = SHA256Digest.hex(of: Array("source \(seed)".utf8))
        return NewSource(
            sha256: sha, format: .jpeg, width: 64, height: 48, bytes: 1234, storedPath: "originals/\(sha.prefix(2))/\(sha).jpg",
            originalName: "mira.jpg")
    }

    static func plan(_ stages: Order.StageRequest) -> KitPlan {
        KitPlan.plan(for: Order(stages: stages, provider: "preview"))
    }

    static let order = NewOrder(origin: .default, json: #"{"stages":"turnaround"}"#, fileName: nil)

    /// Claims a file and accepts it as a new kit.
    func acceptNew(
        _ file: FileIdentity = Self.file(), source: NewSource = Self.source(), stages: Order.StageRequest = .profile(.turnaround)
    ) throws -> AcceptOutcome {
        guard case .claimed(let id) = try database.claim(file) else { throw FixtureError("not claimable: \(file)") }
        return try database.accept(
            claims: [id], watch: "manual", kitName: "mira", priority: 10, source: source, order: Self.order, plan: Self.plan(stages))
    }
}
