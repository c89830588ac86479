import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitDigest
import RefkitPipeline
import RefkitStore
import RefkitSystem
import RefkitTestSupport
import Testing

@Suite("Janitor", .timeLimit(.minutes(2)))
struct JanitorTests {
    static func config(_ dir: TemporaryDirectory, daemon: String = "") throws -> Configuration {
        try loadConfiguration(
            """
            state_dir = "state"
            [daemon]
            \(daemon)
            [providers.fake]
            kind = "preview"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 300
              [watch.default_order]
              stages = ["avatar", "front"]
              provider = "fake"
            """, in: dir)
    }

    /// Two kits made by `once`; returns their records, oldest first.
    static func makeKits(_ dir: TemporaryDirectory, _ configuration: Configuration, provider: CountingProvider) async throws -> [KitRecord]
    {
        let inbox = try dir.folder("inbox")
        for (i, name) in ["first", "second"].enumerated() {
            try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(60 + i), width: 160, height: 200), to: "\(inbox)/\(name).jpg")
        }
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 2)
        return try daemon.database.kits(status: .complete).sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
    }

    @Test func startUpRemovesCrashLeftoversInTheStateAndTheOutboxes() async throws {
        let dir = try TemporaryDirectory("janitor-start")
        let configuration = try Self.config(dir)
        let kitFolder = try dir.folder("outbox/mira")
        try FileFixtures.write("half", to: "\(kitFolder)/.refkit-tmp-3k2j1")
        try FileFixtures.write("half", to: "\(dir.path)/outbox/.refkit-tmp-x9")
        try FileFixtures.write("mine", to: "\(kitFolder)/.keep")
        try FileFixtures.write("part", to: dir.url("state/tmp/123.part"))
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        try await daemon.run(.once)
        #expect(!FileFixtures.exists("\(kitFolder)/.refkit-tmp-3k2j1") && !FileFixtures.exists(dir.url("outbox/.refkit-tmp-x9")))
        #expect(FileFixtures.names(in: dir.url("state/tmp")).isEmpty)
        #expect(FileFixtures.exists("\(kitFolder)/.keep"), "a file that is not refkit's temp was removed")
    }

    @Test func retentionRemovesWorkFilesAndAPrunedKitStillPublishesFromItsOutbox() async throws {
        let dir = try TemporaryDirectory("janitor-retention")
        let configuration = try Self.config(dir, daemon: "work_retention_h = 0")
        let provider = try CountingProvider()
        let kits = try await Self.makeKits(dir, configuration, provider: provider)
        let originals = FileFixtures.files(below: dir.url("state/originals"))
        #expect(originals.count == 2)

        do {  // the janitor holds the state lock until the end of this block
            let database = try RefkitDatabase(path: dir.url("state/refkit.sqlite"))
            let stateDir = try StateDirectory(path: configuration.stateDir)
            let janitor = Janitor(state: stateDir, database: database, configuration: configuration, logger: quietLogger)
            let report = janitor.sweep()
            #expect(report.prunedKits == 2)
            #expect(report.freedBytes > 0)
            for kit in kits {
                #expect(FileFixtures.names(in: dir.url("state/work/\(kit.id)")) == ["published"])
                // Its references are still readable (from the outbox), byte for byte.
                for stage in try database.stages(kitID: kit.id) {
                    let bytes = try WorkFiles(stateDir: configuration.stateDir).read(try #require(stage.file))
                    #expect(SHA256Digest.hex(of: bytes) == stage.sha256)
                }
            }
            #expect(FileFixtures.files(below: dir.url("state/originals")) == originals, "originals are kept")
            #expect(janitor.sweep().prunedKits == 0, "a second sweep finds nothing")
        }
        // The pruned kit is extended by a new order: its old references come from the outbox.
        let reopened = try await extend(kits[0], dir: dir, configuration: configuration, provider: provider)
        #expect(reopened.status == .complete)
        let manifest = try checkManifest(kitFolder: try #require(reopened.outboxDir))
        guard case .array(let stages)? = manifest["stages"] else {
            Issue.record("no stages")
            return
        }
        #expect(stages.count == 3)
    }

    /// Drops the kit's source again with a sidecar asking for one more stage, and runs `once`.
    func extend(
        _ kit: KitRecord, dir: TemporaryDirectory, configuration: Configuration, provider: CountingProvider
    ) async throws -> KitRecord {
        try FileFixtures.write(
            #"{"schema": "refkit.order/1", "stages": ["avatar", "front", "half_body"]}"#, to: dir.url("inbox/\(kit.name).json"))
        try FileFixtures.write(
            try ImageFixtures.jpeg(seed: kit.name == "first" ? 60 : 61, width: 160, height: 200), to: dir.url("inbox/\(kit.name).jpg"))
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        try await daemon.run(.once)
        return try #require(try daemon.database.kit(kit.id))
    }

    @Test func theStateSizeBoundRemovesTheOldestFinishedKitsWorkFilesFirst() async throws {
        let dir = try TemporaryDirectory("janitor-size")
        var configuration = try Self.config(dir)
        let kits = try await Self.makeKits(dir, configuration, provider: try CountingProvider())
        // Make each kit's work files weigh 1.5 MiB.
        for kit in kits {
            try FileFixtures.write([UInt8](repeating: 7, count: 3 << 19), to: dir.url("state/work/\(kit.id)/ballast.bin"))
        }
        let stateDir = try StateDirectory(path: configuration.stateDir)
        let before = Janitor.size(of: configuration.stateDir)
        // Room for one kit's work files but not two.
        configuration.daemon.maxStateMB = Int((before - (3 << 19) / 2) >> 20)
        #expect(configuration.daemon.maxStateMB > 0)
        let database = try RefkitDatabase(path: dir.url("state/refkit.sqlite"))
        let report = Janitor(state: stateDir, database: database, configuration: configuration, logger: quietLogger).sweep()
        #expect(report.prunedKits == 1)
        #expect(report.stateBytes <= Int64(configuration.daemon.maxStateMB) << 20)
        #expect(FileFixtures.names(in: dir.url("state/work/\(kits[0].id)")) == ["published"], "the oldest kit goes first")
        #expect(FileFixtures.exists(dir.url("state/work/\(kits[1].id)/ballast.bin")), "the newer kit is kept")
    }

    @Test func workFoldersOfDeletedKitsGoAndUnfinishedKitsAreKept() async throws {
        let dir = try TemporaryDirectory("janitor-orphans")
        let configuration = try Self.config(dir, daemon: "work_retention_h = 0")
        let kits = try await Self.makeKits(dir, configuration, provider: try CountingProvider())
        let database = try RefkitDatabase(path: dir.url("state/refkit.sqlite"))
        // A `delete` that stopped before removing the kit's work files: the database records the deletion.
        try FileFixtures.write("x", to: dir.url("state/work/no-such-kit/avatar.1.png"))
        try database.appendEvent(kitID: "no-such-kit", type: "deleted")
        // A folder the database knows nothing of is not proof the kit is gone: kept.
        try FileFixtures.write("x", to: dir.url("state/work/unknown-kit/avatar.1.png"))
        // An unfinished kit keeps its work files whatever their age.
        try database.execute("UPDATE kits SET status = 'generating' WHERE id = '\(kits[1].id)'")
        let stateDir = try StateDirectory(path: configuration.stateDir)
        let report = Janitor(state: stateDir, database: database, configuration: configuration, logger: quietLogger).sweep()
        #expect(report.orphans == 1 && !FileFixtures.exists(dir.url("state/work/no-such-kit")))
        #expect(report.unknownFolders == 1 && FileFixtures.exists(dir.url("state/work/unknown-kit/avatar.1.png")))
        #expect(report.prunedKits == 1)
        #expect(FileFixtures.names(in: dir.url("state/work/\(kits[1].id)")).contains("source.jpg"))
    }

    /// The sweep reads the kits, then removes: a kit put back to work (regenerate) or accepted
    /// in between keeps its work files.
    @Test func kitsThatChangeDuringASweepKeepTheirWorkFiles() async throws {
        let dir = try TemporaryDirectory("janitor-race")
        let configuration = try Self.config(dir, daemon: "work_retention_h = 0")
        let kits = try await Self.makeKits(dir, configuration, provider: try CountingProvider())
        let database = try RefkitDatabase(path: dir.url("state/refkit.sqlite"))
        let stateDir = try StateDirectory(path: configuration.stateDir)
        var janitor = Janitor(state: stateDir, database: database, configuration: configuration, logger: quietLogger)
        let regenerated = kits[0].id
        janitor.afterSnapshot = {
            try database.regenerate(kit: regenerated, stages: [.front])
            try database.execute(
                """
                CREATE TEMP TABLE fresh AS SELECT * FROM kits WHERE id = '\(kits[1].id)';
                UPDATE fresh SET id = 'fresh-kit', name = 'fresh', slug = 'fresh', status = 'generating';
                INSERT INTO kits SELECT * FROM fresh;
                """)
            try FileFixtures.write("x", to: dir.url("state/work/fresh-kit/source.jpg"))
        }
        let report = janitor.sweep()
        #expect(
            report.orphans == 0 && FileFixtures.exists(dir.url("state/work/fresh-kit/source.jpg")),
            "a kit accepted during the sweep is not an orphan")
        #expect(
            FileFixtures.names(in: dir.url("state/work/\(regenerated)")).contains("source.jpg"), "a kit put back to work keeps its files")
        #expect(report.prunedKits == 1, "the other finished kit is pruned as usual")
    }
}

extension JanitorTests {
    /// Where the outbox cannot exchange two folders (NFS, many FUSE file systems), a re-publish
    /// renames the published folder away, then the staged one in. A crash between the two left
    /// the kit with no folder, and the start-up sweep then removed the renamed-away version:
    /// after the janitor pruned the kit's work files that was the only copy of its images.
    @Test func startUpPutsBackAPublishedVersionStrandedBetweenTheTwoRenames() async throws {
        let dir = try TemporaryDirectory("janitor-stranded")
        let configuration = try Self.config(dir)
        let provider = try CountingProvider()
        let kits = try await Self.makeKits(dir, configuration, provider: provider)
        let folder = try #require(kits.first?.outboxDir)
        let manifest = try #require(FileFixtures.read("\(folder)/manifest.json"))
        let retired = "\(dir.path)/outbox/.refkit-tmp-old-\(Int64(Date().timeIntervalSince1970 * 1000))-crash"
        try FileFixtures.rename(folder, to: retired)
        try FileFixtures.write("partial", to: "\(dir.path)/outbox/.refkit-tmp-kit-staged/manifest.json")

        do {
            let database = try RefkitDatabase(path: dir.url("state/refkit.sqlite"))
            let stateDir = try StateDirectory(path: configuration.stateDir)
            _ = Janitor(state: stateDir, database: database, configuration: configuration, logger: quietLogger).startupSweep()
        }
        #expect(FileFixtures.read("\(folder)/manifest.json").map { $0 == manifest } == true, "the kit's published folder is gone")
        #expect(!FileFixtures.names(in: dir.url("outbox")).contains { $0.hasPrefix(".refkit-tmp-") })
    }
}
