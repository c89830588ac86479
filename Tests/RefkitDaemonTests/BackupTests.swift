import Foundation
import RefkitCore
import RefkitTestSupport
import Testing

/// `refkit backup` through the real binary, beside a running daemon: a whole, sound, self-contained
/// copy that restores as a state directory; `--keep` prunes only dated backups; nothing half-written.
@Suite("refkit backup", .timeLimit(.minutes(2)))
struct BackupTests {
    @Test func aBackupBesideARunningDaemonRestoresAsAStateAndKeepPrunesOnlyBackups() async throws {
        let rig = try await CompleteKitRig.start("backup", stages: "core", kit: "mira", seed: 11)
        let config = rig.dir.url("refkit.toml")
        let folder = try rig.dir.folder("backups")
        let older = ["refkit-20250101T000000Z.sqlite", "refkit-20250102T000000Z.sqlite", "refkit-20250103T000000Z.sqlite"]
        for name in older + ["notes.txt", "refkit-notes.sqlite"] { try FileFixtures.write("kept by the operator", to: "\(folder)/\(name)") }

        let made = try await refkitCLI(["backup", folder + "/", "--keep", "2", "--json"], config: config)
        #expect(made.status == 0, "\(made.output)")
        let report = try JSONValue.parse(Array(made.output.utf8))
        let path = try #require(report["path"]?.stringValue)
        let name = (path as NSString).lastPathComponent
        #expect(report["kits"] == .integer(1) && report["schema"]?.stringValue?.hasPrefix("v") == true, "\(made.output)")
        #expect(report["removed"]?.arrayValue?.count == 2, "the two oldest of four dated backups go")
        #expect(
            FileFixtures.names(in: folder) == ["notes.txt", "refkit-20250103T000000Z.sqlite", "refkit-notes.sqlite", name].sorted(),
            "only dated backups beyond the newest two are removed; no temporary file is left")

        // One self-contained file: SQLite's header says rollback journal (1, 1), not WAL (2, 2), and nothing beside it.
        let header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20))
        #expect(String(decoding: header.prefix(15), as: UTF8.self) == "SQLite format 3")
        #expect(header[18] == 1 && header[19] == 1, "journal mode bytes \(header[18]), \(header[19])")
        #expect(!FileFixtures.exists(path + "-wal"))

        // Restored as another state directory, it is the same store.
        let restored = try rig.dir.folder("restored")
        try FileManager.default.copyItem(atPath: path, toPath: "\(restored)/refkit.sqlite")
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(
            of: "state_dir = \"state\"", with: "state_dir = \"restored\"")
        try FileFixtures.write(text, to: rig.dir.url("restored.toml"))
        let kits = try await refkitCLI(["kits", "--json"], config: rig.dir.url("restored.toml"))
        #expect(kits.status == 0, "\(kits.output)")
        let listed = try JSONValue.parse(Array(kits.output.utf8))
        let mira = listed.arrayValue?.first
        #expect(mira?["kit"] == .string("mira") && mira?["status"] == .string("complete"), "\(kits.output)")
        try await rig.running.stop()
    }

    @Test func anExistingFileNeedsForceAndAnUnwritablePlaceIsExit73() async throws {
        let rig = try await CompleteKitRig.start("backup-refusals", stages: "core", kit: "kai", seed: 12)
        let config = rig.dir.url("refkit.toml")
        let target = rig.dir.url("kept.sqlite")
        try FileFixtures.write("an older file", to: target)
        let refused = try await refkitCLI(["backup", target], config: config)
        #expect(refused.status == 73 && refused.output.contains("pass --force"), "\(refused.output)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "an older file", "untouched without --force")
        let forced = try await refkitCLI(["backup", target, "--force"], config: config)
        #expect(forced.status == 0 && forced.output.contains("1 kit(s)"), "\(forced.output)")

        let notAFolder = try await refkitCLI(["backup", target + "/inside.sqlite"], config: config)
        #expect(notAFolder.status == 73 && notAFolder.output.contains("backup_unwritable"), "\(notAFolder.output)")
        let missing = try await refkitCLI(["backup", rig.dir.url("nowhere") + "/"], config: config)
        #expect(missing.status == 73 && missing.output.contains("nowhere"), "\(missing.output)")
        let keepOnAFile = try await refkitCLI(["backup", rig.dir.url("x.sqlite"), "--keep", "3"], config: config)
        #expect(keepOnAFile.status == 64, "\(keepOnAFile.output)")
        #expect(!FileFixtures.names(in: rig.dir.path).contains { $0.hasPrefix(".refkit-tmp-") }, "no temporary file is left")
        try await rig.running.stop()
    }
}
