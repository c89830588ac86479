import Foundation
import Logging
import RefkitCivitai
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitHTTP
import RefkitImaging
import RefkitProviders
import RefkitStore
import RefkitTestSupport
import Synchronization
import Testing

/// A provider that fails by kit name (looked up in the daemon's database): the avatar of some
/// kits, every reference of others, one reference of one, so a batch has every outcome.
final class ScriptedKitProvider: ImageProvider, Sendable {
    let name = "fake"
    let image: [UInt8]
    /// Kit name -> stages that fail (non-retryable).
    let failures: [String: Set<String>]
    let kitName = Mutex<(@Sendable (String) -> String?)?>(nil)

    init(failures: [String: Set<String>]) throws {
        self.failures = failures
        image = try ImageOps.synthesize(width: 32, height: 32, seed: 5, format: "png")
    }

    func generate(_ request: GenerationRequest) async throws(ProviderError) -> GeneratedImage {
        let lookup = kitName.withLock { $0 }
        if let name = lookup?(request.kitID), failures[name]?.contains(request.stage.name) == true {
            throw ProviderError(code: .safetyBlock, message: "blocked by the fake", retryable: false)
        }
        return GeneratedImage(bytes: image, mime: "image/png", width: 32, height: 32, model: "fake-1", costUSD: 0.01)
    }
}

@Suite("Civitai batch through the daemon", .timeLimit(.minutes(3)))
struct CivitaiBatchTests {
    /// 20 fetched images become 20 kits; the batch summary's counts match the manifests.
    @Test func twentyImagesBecomeTwentyKitsAndTheSummaryMatchesTheManifests() async throws {
        let dir = try TemporaryDirectory("civitai-batch")
        let inbox = try dir.folder("inbox")
        let fake = try await FakeCivitai.start()
        var items: [FakeCivitai.Item] = []
        for id in Int64(1)...Int64(20) {
            fake.host("\(id).jpeg", bytes: try ImageFixtures.jpeg(seed: UInt64(100 + id), width: 520, height: 640))
            items.append(.init(id: 9000 + id, file: "\(id).jpeg", width: 520, height: 640, username: "user\(id)"))
        }
        fake.setFeed(items)
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [retry]
            attempts = 2
            base_delay_ms = 10
            max_delay_ms = 20
            [providers.fake]
            kind = "preview"
            concurrency = 6
            [[watch]]
            name = "civitai"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 1000
            image_wait_ms = 5000
            priority = 1
              [watch.default_order]
              stages = "core"
              provider = "fake"
            [civitai]
            base_url = "\(fake.baseURL)"
            limit = 20
            page_size = 8
            """, in: dir)

        // The nightly fetch.
        try FileManager.default.createDirectory(atPath: configuration.stateDir, withIntermediateDirectories: true)
        let database = try RefkitDatabase(path: "\(configuration.stateDir)/refkit.sqlite")
        let settings = CivitaiSettings(configuration)
        let http = HTTPClient(logger: quietLogger)
        let report = try await CivitaiIngest(
            client: CivitaiClient(http: http, settings: settings, token: nil, logger: quietLogger), database: database, settings: settings,
            inbox: inbox, stateDirectory: configuration.stateDir, logger: quietLogger
        ).run()
        await fake.stop()
        #expect(report.written.count == 20)
        #expect(report.pages == 3)
        // Not finished while no kit exists yet.
        #expect(
            BatchSummaries.completeFinishedBatches(database: database, stateDirectory: configuration.stateDir, logger: quietLogger).isEmpty)

        // The daemon makes the kits (the sidecars ask for turnaround, over the watch's "core").
        let provider = try ScriptedKitProvider(failures: [
            "civitai-9001": ["avatar"], "civitai-9002": ["avatar"],
            "civitai-9003": ["reference_avatar", "front", "side", "back"], "civitai-9004": ["reference_avatar", "front", "side", "back"],
            "civitai-9005": ["back"],
        ])
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        provider.kitName.withLock { $0 = { [database = daemon.database] id in (try? database.kit(id))?.name } }
        // Composed as `refkit once` composes them: the summaries follow the pipeline's events.
        let summaries = BatchSummaryService(
            events: daemon.pipelineEvents, database: daemon.database, stateDirectory: configuration.stateDir, logger: quietLogger)
        let summarising = Task { await summaries.run() }
        let run = try await daemon.run(.once)
        daemon.pipelineEvents.finish()
        await summarising.value
        #expect(run.accepted == 20)
        #expect(run.rejected == 0)

        // The daemon summarised the batch when its last kit ended.
        #expect(
            BatchSummaries.completeFinishedBatches(database: daemon.database, stateDirectory: configuration.stateDir, logger: quietLogger)
                .isEmpty)
        let stored = try #require(try BatchSummaries.last(database: daemon.database))
        let summary = StoredSummary(stored)
        #expect(summary.total == 20)
        #expect(summary.complete == 15)
        #expect(summary.partial == 1)
        #expect(summary.avatarOnly == 2)
        #expect(summary.failed == 2)
        #expect(summary.notIngested == 0)
        #expect(summary.referencesMade == 15 * 4 + 3)
        #expect(abs(summary.spendUSD - 0.01 * Double(18 + 63)) < 1e-9)
        #expect(summary.wallTimeSeconds > 0 && !summary.abandoned)

        // The same counts, read from the manifests in the outbox.
        var complete = 0
        var partial = 0
        var avatarOnly = 0
        var failed = 0
        var references = 0
        var spend = 0.0
        for kit in try daemon.database.kits() {
            let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
            #expect(manifest["source"]?["provenance"]?["platform"] == .string("civitai"))
            #expect(
                manifest["source"]?["provenance"]?["id"] == .number(Double(Int(kit.name.dropFirst("civitai-".count))!), isInteger: true))
            #expect(manifest["source"]?["provenance"]?["meta"]?["prompt"] == .string("a knight"))
            guard case .array(let stages)? = manifest["stages"] else {
                Issue.record("no stages in \(kit.name)")
                continue
            }
            #expect(stages.count == 5, "turnaround: avatar + 4 references")
            let done = stages.filter { $0["status"] == .string("done") }
            let avatarDone = done.contains { $0["stage"] == .string("avatar") }
            let refs = done.count - (avatarDone ? 1 : 0)
            references += refs
            if case .number(let cost, _)? = manifest["totals"]?["cost_usd"] { spend += cost }
            switch (manifest["status"], avatarDone, refs) {
            case (.string("complete"), true, 4): complete += 1
            case (.string("failed"), _, _): failed += 1
            case (.string("partial"), true, 0): avatarOnly += 1
            case (.string("partial"), true, _): partial += 1
            default: Issue.record("unexpected \(kit.name): \(manifest["status"]?.serialized ?? "?") with \(refs) references")
            }
        }
        let fromManifests: [Int] = [complete, partial, avatarOnly, failed]
        #expect(fromManifests == [summary.complete, summary.partial, summary.avatarOnly, summary.failed])
        #expect(references == summary.referencesMade)
        #expect(abs(spend - summary.spendUSD) < 1e-6)

        // The summary file, and the batch is finished once only.
        let file = try #require(FileFixtures.read("\(configuration.stateDir)/civitai/batch-\(report.batchID).json"))
        let json = try JSONValue.parse(file)
        #expect(json["schema"] == .string("refkit.civitai-batch/1"))
        #expect(json["complete"] == .number(15, isInteger: true))
        #expect(FileFixtures.read("\(configuration.stateDir)/civitai/last-batch.json") == file)
        #expect(
            BatchSummaries.completeFinishedBatches(database: daemon.database, stateDirectory: configuration.stateDir, logger: quietLogger)
                .isEmpty)
        #expect(try BatchSummaries.last(database: daemon.database)?["total"] == .number(20, isInteger: true))

        // `refkit status --json` shows it.
        try FileFixtures.write(
            "state_dir = \"\(configuration.stateDir)\"\n[[watch]]\nname = \"civitai\"\ninbox = \"inbox\"\noutbox = \"outbox\"\n",
            to: dir.url("status.toml"))
        let result = try await refkitCLI(["status", "--json"], config: dir.url("status.toml"))
        #expect(result.status == 0)
        let output = Array(result.output.utf8)
        let status = try JSONValue.parse(output)
        #expect(status["civitai"]?["last_batch"]?["avatar_only"] == .number(2, isInteger: true))
        #expect(status["civitai"]?["open_batches"] == .number(0, isInteger: true))
    }
}

/// The numbers of a stored batch summary (its JSON form).
private struct StoredSummary {
    let json: JSONValue
    init(_ json: JSONValue) { self.json = json }
    private func int(_ key: String) -> Int { if case .number(let d, _)? = json[key] { Int(d) } else { -1 } }
    private func double(_ key: String) -> Double { if case .number(let d, _)? = json[key] { d } else { -1 } }
    var total: Int { int("total") }
    var complete: Int { int("complete") }
    var partial: Int { int("partial") }
    var avatarOnly: Int { int("avatar_only") }
    var failed: Int { int("failed") }
    var notIngested: Int { int("not_ingested") }
    var referencesMade: Int { int("references_made") }
    var spendUSD: Double { double("spend_usd") }
    var wallTimeSeconds: Double { double("wall_time_s") }
    var abandoned: Bool { json["abandoned"] == .bool(true) }
}
