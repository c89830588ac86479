import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("The state database lost or damaged", .timeLimit(.minutes(3)))
struct DatabaseLossTests {
    static func config(_ dir: TemporaryDirectory) throws -> String {
        let config = dir.url("refkit.toml")
        try FileFixtures.write(
            """
            state_dir = "state"
            [daemon]
            database_check_s = 1
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 50
              [watch.default_order]
              stages = ["avatar"]
              provider = "preview"
            """, to: config)
        return config
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// The database deleted under a running `refkit run`: it stops with 74; the next start refuses
    /// (74) before anything is written: no empty database, every kit's work files kept.
    @Test func aDeletedDatabaseStopsTheDaemonAndTheNextStartRefuses() async throws {
        let dir = try TemporaryDirectory("db-deleted")
        let inbox = try dir.folder("inbox")
        let config = try Self.config(dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 81, width: 160, height: 200), to: "\(inbox)/lost.jpg")
        let run = try RefkitProcess(["run", "--config", config], log: dir.url("run.log"))
        try await eventually("the kit to be published", timeout: .seconds(60)) {
            FileFixtures.exists(dir.url("outbox/lost/manifest.json"))
        }
        let work = FileFixtures.names(in: dir.url("state/work"))
        #expect(work.count == 1)
        for suffix in ["", "-wal", "-shm"] { unlink(dir.url("state/refkit.sqlite\(suffix)")) }

        let status = try await run.waitForExit(timeout: .seconds(30))
        #expect(status == 74, "\(Self.text(dir.url("run.log")).suffix(3000))")
        #expect(Self.text(dir.url("run.log")).contains("the state database vanished or is damaged"))

        let again = try RefkitProcess(["once", "--config", config], log: dir.url("again.log"))
        #expect(try await again.waitForExit(timeout: .seconds(30)) == 74, "\(Self.text(dir.url("again.log")).suffix(3000))")
        #expect(Self.text(dir.url("again.log")).contains("database_missing"))
        #expect(!FileFixtures.exists(dir.url("state/refkit.sqlite")), "an empty database was created")
        #expect(FileFixtures.names(in: dir.url("state/work")) == work, "work files were removed")
        #expect(FileFixtures.names(in: dir.url("state/work/\(work[0])")).contains("avatar.1.png"))
    }

    /// A damaged database file: the start refuses with 74 and touches nothing.
    @Test func aDamagedDatabaseIsRefusedAtStartUp() async throws {
        let dir = try TemporaryDirectory("db-damaged")
        let inbox = try dir.folder("inbox")
        let config = try Self.config(dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 82, width: 160, height: 200), to: "\(inbox)/hurt.jpg")
        let once = try RefkitProcess(["once", "--config", config], log: dir.url("once.log"))
        #expect(try await once.waitForExit(timeout: .seconds(60)) == 0)
        let work = FileFixtures.names(in: dir.url("state/work"))
        let path = dir.url("state/refkit.sqlite")
        // The last connection to close checkpoints the WAL into the database file.
        do { _ = try RefkitDatabase(path: path).scalar("SELECT count(*) FROM kits") }
        // Pages after the first overwritten: SQLite opens it, quick_check finds the damage.
        var bytes = try #require(FileFixtures.read(path))
        #expect(bytes.count > 8192)
        for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try FileFixtures.write(bytes, to: path)

        let again = try RefkitProcess(["once", "--config", config], log: dir.url("again.log"))
        #expect(try await again.waitForExit(timeout: .seconds(30)) == 74, "\(Self.text(dir.url("again.log")).suffix(3000))")
        #expect(Self.text(dir.url("again.log")).contains("database_damaged"))
        #expect(FileFixtures.names(in: dir.url("state/work")) == work)
    }
}
