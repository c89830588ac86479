import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitImaging
import RefkitStore
import RefkitTestSupport
import Testing

/// One watch over `inbox` whose default order makes a turnaround with the provider "fake".
let fakeProviderConfig = """
    state_dir = "state"
    [providers.fake]
    kind = "preview"
    [[watch]]
    name = "w"
    inbox = "inbox"
    outbox = "outbox"
    settle_ms = 50
    sidecar_wait_ms = 200
      [watch.default_order]
      stages = "turnaround"
      provider = "fake"
    """

@Suite("Pipeline", .timeLimit(.minutes(3)))
struct PipelineTests {
    /// README's first command, in process: every example of inbox-example/ becomes a kit.
    @Test func inboxExampleBecomesCompleteKits() async throws {
        let dir = try TemporaryDirectory("pipeline")
        let inbox = try dir.folder("inbox")
        for name in try FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/inbox-example") where !name.hasSuffix(".md") {
            try FileManager.default.copyItem(atPath: "\(repositoryRoot)/inbox-example/\(name)", toPath: "\(inbox)/\(name)")
        }
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [[watch]]
            name = "example"
            inbox = "inbox"
            outbox = "outbox"
            recursive = true
            settle_ms = 100
            sidecar_wait_ms = 300
            """, in: dir)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let summary = try await daemon.run(.once)
        #expect(summary.rejected == 0)
        #expect(summary.kits[.complete] == 6, "kits: \(summary.kits)")

        let kits = try daemon.database.kits()
        #expect(Set(kits.map(\.name)) == ["mira", "kenji", "ada", "nova", "leo", "harbour crew"])
        var manifests: [String] = []
        for kit in kits {
            #expect(kit.status == .complete)
            let folder = try #require(kit.outboxDir)
            let manifest = try checkManifest(kitFolder: folder)
            #expect(manifest["status"] == .string("complete"))
            #expect(manifest["schema"] == .string("refkit.manifest/1"))
            #expect(FileManager.default.fileExists(atPath: "\(folder)/sheet.png"))
            #expect(FileManager.default.fileExists(atPath: "\(folder)/index.html"))
            manifests.append("\(folder)/manifest.json")
        }
        // The avatar comes first and is the locked reference of each kit with a source.
        let mira = try #require(kits.first { $0.name == "mira" })
        let miraStages = try daemon.database.stages(kitID: mira.id).map(\.stage.name)
        #expect(miraStages == ["avatar", "reference_avatar", "front", "side", "back", "image:cafe-1", "image:cafe-2"])
        #expect(mira.lockedReference != nil)
        let miraFolder = try #require(mira.outboxDir)
        let miraFiles = ["avatar.png", "reference_avatar.png", "front.png", "side.png", "back.png", "source.jpg"]
        for file in miraFiles + ["images/cafe-1.png", "images/cafe-2.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(miraFolder)/\(file)"), "\(file)")
        }
        let crew = try #require(kits.first { $0.name == "harbour crew" })
        #expect(crew.outboxDir?.hasSuffix("/harbour-crew") == true)
        #expect(FileManager.default.fileExists(atPath: "\(crew.outboxDir!)/characters/captain.png"))
        #expect(FileManager.default.fileExists(atPath: "\(crew.outboxDir!)/scenes/dock.png"))
        // leo.kit/ is one character of three images: one kit, three sources in its outbox and manifest.
        let leo = try #require(kits.first { $0.name == "leo" })
        #expect(try daemon.database.kitSources(kitID: leo.id).count == 3)
        let leoManifest = try checkManifest(kitFolder: try #require(leo.outboxDir))
        guard case .array(let leoSources)? = leoManifest["sources"] else {
            Issue.record("leo's manifest has no sources list")
            return
        }
        #expect(leoSources.count == 3)
        for file in ["source.jpg", "sources/2.jpg", "sources/3.jpg"] {
            #expect(FileManager.default.fileExists(atPath: "\(leo.outboxDir!)/\(file)"), "\(file)")
        }
        // Provenance reaches the manifest.
        let kenji = try #require(kits.first { $0.name == "kenji" })
        let kenjiManifest = try checkManifest(kitFolder: kenji.outboxDir!)
        #expect(
            kenjiManifest["source"]?["provenance"]?["platform"] == .string("example")
                || kenjiManifest["source"]?["platform"] == .string("example"))

        if let errors = try await offPool({ [manifests] in try validateAgainstSchema("manifest.schema.json", files: manifests) }) {
            Issue.record("manifests do not validate: \(errors)")
        }
        let orders = try FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/inbox-example").filter { $0.hasSuffix(".json") }
        let orderFiles = orders.map { "\(repositoryRoot)/inbox-example/\($0)" }
        if let errors = try await offPool({ try validateAgainstSchema("order.schema.json", files: orderFiles) }) {
            Issue.record("example orders do not validate: \(errors)")
        }
    }

    /// The avatar failing fails the kit; another stage failing leaves it partial.
    @Test func avatarFailureFailsAndOtherFailuresArePartial() async throws {
        let dir = try TemporaryDirectory("pipeline-fail")
        let inbox = try dir.folder("inbox")
        let provider = try CountingProvider(failStages: ["side"])
        let configuration = try loadConfiguration(
            fakeProviderConfig, in: dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 1, width: 96, height: 128), to: "\(inbox)/one.jpg")
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.partial] == 1)
        let kit = try #require(try daemon.database.kit("one"))
        #expect(kit.status == .partial)
        let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
        guard case .array(let stages)? = manifest["stages"] else {
            Issue.record("no stages")
            return
        }
        let side = stages.first { $0["stage"] == .string("side") }
        #expect(side?["status"] == .string("failed"))
        #expect(side?["error"]?["code"] == .string("provider_safety_block"))
        #expect(provider.calls(kitID: kit.id)["\(kit.id)/side"] == 1, "a final error is not retried")

        let dir2 = try TemporaryDirectory("pipeline-fail-avatar")
        let inbox2 = try dir2.folder("inbox")
        let failing = try CountingProvider(failStages: ["avatar"])
        let configuration2 = try loadConfiguration(
            fakeProviderConfig, in: dir2)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 2, width: 96, height: 128), to: "\(inbox2)/two.jpg")
        let daemon2 = try Daemon.build(configuration: configuration2, logger: quietLogger, providers: ["fake": failing])
        let summary2 = try await daemon2.run(.once)
        #expect(summary2.kits[.failed] == 1)
        let kit2 = try #require(try daemon2.database.kit("two"))
        #expect(kit2.status == .failed)
        #expect(failing.totalCalls == 1, "nothing after a failed avatar is attempted")
        #expect(try daemon2.database.stages(kitID: kit2.id).filter { $0.status == .skipped }.count == 4)
    }

    /// 300 sources at once all complete; a manual drop in the middle of the batch finishes long
    /// before the batch does.
    @Test func batchOf300AndAFairManualDrop() async throws {
        let dir = try TemporaryDirectory("pipeline-batch")
        let batchInbox = try dir.folder("batch")
        let manualInbox = try dir.folder("manual")
        let provider = try CountingProvider()
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [limits]
            concurrency = 4
            [providers.fake]
            kind = "preview"
            concurrency = 4
            [[watch]]
            name = "batch"
            inbox = "batch"
            outbox = "out-batch"
            settle_ms = 50
            sidecar_wait_ms = 0
              [watch.default_order]
              stages = ["avatar", "front"]
              provider = "fake"
            [[watch]]
            name = "manual"
            inbox = "manual"
            outbox = "out-manual"
            settle_ms = 50
            sidecar_wait_ms = 0
              [watch.default_order]
              stages = ["avatar", "front"]
              provider = "fake"
            """, in: dir)
        // Write the batch in a staging folder, then move it in at once.
        let staging = try dir.folder("staging")
        for i in 0..<300 {
            try FileFixtures.write(try ImageFixtures.png(seed: UInt64(1000 + i), width: 16, height: 16), to: "\(staging)/b\(i).png")
        }
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        for i in 0..<300 { try FileFixtures.rename("\(staging)/b\(i).png", to: "\(batchInbox)/b\(i).png") }
        // Drop the manual image once the batch is under way.
        try await eventually("the batch to start", timeout: .seconds(60)) {
            try daemon.database.kits(status: .complete).count >= 10
        }
        try FileFixtures.write(try ImageFixtures.png(seed: 7, width: 16, height: 16), to: "\(manualInbox)/manual.png")
        try await eventually("the manual kit to complete", timeout: .seconds(120)) {
            try daemon.database.kit("manual")?.status == .complete
        }
        let completeWhenManualDone = try daemon.database.kits(status: .complete).filter { $0.watch == "batch" }.count
        try await eventually(
            "all 300 batch kits", timeout: .seconds(150), state: { "\((try? daemon.database.kits(status: .complete).count) ?? -1)" }
        ) {
            try daemon.database.kits(status: .complete).filter { $0.watch == "batch" }.count == 300
        }
        try await running.stop()
        #expect(completeWhenManualDone < 200, "the manual drop waited for \(completeWhenManualDone) batch kits")
        #expect(try daemon.database.kits().count == 301)
        #expect(provider.totalCalls == 602, "each stage made once")
    }
}

@Suite("Shutdown", .timeLimit(.minutes(1)))
struct ShutdownTests {
    /// A stop with a stage still running ends after the drain timeout, and the stage is left
    /// to run again at the next start.
    @Test func aStopWithAStageRunningEndsAfterTheDrainTimeout() async throws {
        let dir = try TemporaryDirectory("drain")
        let inbox = try dir.folder("inbox")
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [daemon]
            drain_timeout_s = 1
            [providers.preview]
            delay_ms = 60000
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 100
            """, in: dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 21), to: "\(inbox)/slow.jpg")
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let running = RunningDaemon(daemon)
        try await eventually("the avatar to start", timeout: .seconds(30)) {
            try daemon.database.scalar("SELECT count(*) FROM stages WHERE status = 'running'") == 1
        }
        let stopped = ContinuousClock.now
        try await running.stop()
        #expect(ContinuousClock.now - stopped < .seconds(20), "the drain timeout (1 s) ended the stop, not the 60 s stage")
        #expect(try daemon.database.scalar("SELECT count(*) FROM stages WHERE status = 'done'") == 0)
        #expect(try daemon.database.requeueInterruptedStages() == 1, "the interrupted stage runs again at the next start")
    }
}
