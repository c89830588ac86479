import Foundation
import RefkitCivitai
import RefkitCore
import RefkitDaemon
import RefkitHTTP
import RefkitStore
import RefkitTestSupport
import Testing

/// A Civitai batch made with QA on (the real preview provider, real dlib models): its summary
/// counts the references per verdict and the regenerations exactly as the kits' manifests do,
/// and says so in its document, its line and its log metadata.
@Suite("Civitai batch with QA on", .timeLimit(.minutes(3)))
struct CivitaiBatchQATests {
    @Test("the batch summary's QA counts are the sum of its manifests' qa summaries")
    func countsMatchTheManifests() async throws {
        let dir = try TemporaryDirectory("civitai-batch-qa")
        let inbox = try dir.folder("inbox")
        let fake = try await FakeCivitai.start()
        var items: [FakeCivitai.Item] = []
        for id in Int64(1)...Int64(3) {
            fake.host("\(id).jpeg", bytes: try ImageFixtures.jpeg(seed: UInt64(300 + id), width: 520, height: 640))
            items.append(.init(id: 7000 + id, file: "\(id).jpeg", width: 520, height: 640, username: "user\(id)"))
        }
        fake.setFeed(items)
        let models = try QAFixtures.requireModelsDirectory()
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [providers.fake]
            kind = "preview"
            concurrency = 4
            [[watch]]
            name = "civitai"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 1000
            image_wait_ms = 5000
              [watch.default_order]
              stages = "core"
              provider = "fake"
            [civitai]
            base_url = "\(fake.baseURL)"
            limit = 3
            page_size = 8
            [qa]
            models_dir = "\(models)"
            """, in: dir)
        try FileManager.default.createDirectory(atPath: configuration.stateDir, withIntermediateDirectories: true)
        let database = try RefkitDatabase(path: "\(configuration.stateDir)/refkit.sqlite")
        let settings = CivitaiSettings(configuration)
        let report = try await CivitaiIngest(
            client: CivitaiClient(http: HTTPClient(logger: quietLogger), settings: settings, token: nil, logger: quietLogger),
            database: database, settings: settings, inbox: inbox, stateDirectory: configuration.stateDir, logger: quietLogger
        ).run()
        await fake.stop()
        #expect(report.written.count == 3)

        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let summaries = BatchSummaryService(
            events: daemon.pipelineEvents, database: daemon.database, stateDirectory: configuration.stateDir, logger: log.logger)
        let summarising = Task { await summaries.run() }
        _ = try await daemon.run(.once)
        daemon.pipelineEvents.finish()
        await summarising.value

        let stored = try #require(try BatchSummaries.last(database: daemon.database))
        let qa = try #require(BatchQA(json: stored["qa"]), "the summary has QA counts: \(stored.serialized)")
        var counts: [QAVerdict: Int] = [:]
        var regenerations = 0
        for kit in try daemon.database.kits() {
            let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
            for verdict in QAVerdict.allCases {
                if case .number(let n, _)? = manifest["qa"]?["counts"]?[verdict.rawValue] { counts[verdict, default: 0] += Int(n) }
            }
            if case .number(let n, _)? = manifest["qa"]?["regenerations"] { regenerations += Int(n) }
        }
        #expect(counts.values.reduce(0, +) > 0, "the manifests counted checked references")
        #expect(qa.counts == BatchQA(counts: counts, regenerations: 0).counts)
        #expect(qa.regenerations == regenerations)
        let line = BatchSummary.line(stored)
        #expect(line.contains("; QA \(qa.line)"), "\(line)")
        let finished = try #require(log.all.first { $0.contains("civitai batch finished") }, "\(log.text)")
        #expect(finished.contains("civitai.qa_pass=\(qa.counts[.pass] ?? -1)"), "\(finished)")
        #expect(finished.contains("civitai.qa_regenerations=\(regenerations)"), "\(finished)")
    }
}
