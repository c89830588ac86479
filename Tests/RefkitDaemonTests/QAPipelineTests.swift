import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitDigest
import RefkitImaging
import RefkitStore
import RefkitTestSupport
import Testing

/// A kit made through the Gemini fake with QA on, one stage at a time (so the fake's queued
/// answers go to the stages in plan order: avatar, front, side, back, each attempt in turn).
struct QARig {
    let dir: TemporaryDirectory
    let fake: FakeGemini
    let daemon: Daemon
    let summary: Daemon.Summary

    /// `answers`: the image bytes the fake returns, request by request. `qa` and `order` are
    /// more configuration lines for `[qa]` and the watch's default order; `tables`, more tables
    /// (FAKE_BASE_URL stands for the fake's URL). The configuration is also `refkit.toml` for the CLI.
    static func run(
        _ label: String, source: String = "obama.jpg", stages: String, answers: [[UInt8]], qa: String = "", order: String = "",
        tables: String = "", price: Double = 0, keys: [String: String] = [:], modelsDirectory: String? = nil
    ) async throws -> QARig {
        let models = try modelsDirectory ?? QAFixtures.requireModelsDirectory()
        let dir = try TemporaryDirectory(label)
        let inbox = try dir.folder("inbox")
        let secret = "AIzaQASecret-\(label)"
        let fake = try await FakeGemini.start(apiKey: secret)
        for bytes in answers { fake.enqueue(.imageBytes(bytes, mime: bytes.starts(with: [0xFF, 0xD8]) ? "image/jpeg" : "image/png")) }
        try FileFixtures.write(secret + "\n", to: dir.url("key.txt"))
        for (file, key) in keys { try FileFixtures.write(key + "\n", to: dir.url(file)) }
        let text = """
            state_dir = "state"
            [limits]
            concurrency = 1
            [qa]
            models_dir = "\(models)"
            \(qa)
            [providers.gemini]
            base_url = "\(fake.baseURL)"
            api_key_file = "key.txt"
            price_per_image_usd = \(price)
            concurrency = 1
            requests_per_minute = 100000
            \(tables.replacingOccurrences(of: "FAKE_BASE_URL", with: fake.baseURL))
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 300
              [watch.default_order]
              stages = \(stages)
              provider = "gemini"
              \(order)
            """
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let configuration = try loadConfiguration(text, in: dir)
        try FileFixtures.write(try QAFixtures.photo(source), to: "\(inbox)/\((source as NSString).deletingPathExtension).jpg")
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let summary = try await daemon.run(.once)
        await fake.stop()
        return QARig(dir: dir, fake: fake, daemon: daemon, summary: summary)
    }

    func stage(_ kit: String, _ stage: Stage) throws -> StageRecord {
        let record = try #require(try daemon.database.kit(kit))
        return try #require(try daemon.database.stages(kitID: record.id).first { $0.stage == stage })
    }

    /// The prompt of the fake's request number `n` (0-based).
    func prompt(_ n: Int) -> String { fake.requests.indices.contains(n) ? fake.requests[n].texts.joined(separator: " ") : "" }
}

enum QAImages {
    static func photo(_ name: String) throws -> [UInt8] { try QAFixtures.photo(name) }
    static func mirrored(_ name: String) throws -> [UInt8] { try ImageOps.mirrored(try photo(name)).data }
    static func black() throws -> [UInt8] { try ImageOps.solid(width: 768, height: 1024, red: 0, green: 0, blue: 0, format: "png") }
    /// The kit's source as refkit keeps and sends it (normalised to a JPEG).
    static func sourceAsStored(_ rig: QARig, kit: String = "obama") throws -> [UInt8] {
        let record = try #require(try rig.daemon.database.kit(kit))
        return try #require(FileFixtures.read(rig.dir.url("state/work/\(record.id)/source.jpg")))
    }

    /// A busy picture with no face in it, unlike every other.
    static func noFace(seed: UInt64) throws -> [UInt8] { try ImageFixtures.png(seed: seed, width: 512, height: 640) }
}

@Suite("QA in the daemon, through the Gemini fake and real photographs", .timeLimit(.minutes(3)))
struct QAPipelineTests {
    /// Each check catches its fault in the daemon, the reason is folded into the next prompt,
    /// and the attempt that is right is kept: the kit ends complete. A warning (the avatar's face
    /// a little turned) is published without a regeneration and does not hold the kit back.
    @Test func eachFaultIsCaughtAndTheRightAttemptIsKept() async throws {
        let answers = [
            try QAImages.photo("obama2.jpg"),  // avatar: the source's person, face a little turned (warn)
            try QAImages.photo("biden.jpg"),  // front: another person (identity)
            try QAImages.photo("obama3.jpg"),  // front: right
            try QAImages.photo("obama3.jpg"),  // side: the front again (duplicate)
            try QAImages.mirrored("obama3.jpg"),  // side: the front flipped (mirror)
            try QAImages.photo("coffee.png"),  // side: no frontal face, nothing repeated
            try QAImages.photo("obama_partial_face.jpg"),  // back: a face on the back view
            try QAImages.black(),  // back: blank
            try QAImages.noFace(seed: 7),  // back: right
        ]
        let rig = try await QARig.run("qa-faults", stages: #"["avatar", "front", "side", "back"]"#, answers: answers)
        #expect(rig.fake.callCount == 9)
        #expect(rig.summary.kits[.complete] == 1, "\(rig.summary.kits)")
        let expected: [(Stage, QAVerdict, Int)] = [(.avatar, .warn, 1), (.front, .pass, 2), (.side, .pass, 3), (.back, .pass, 3)]
        for (stage, verdict, attempts) in expected {
            let qa = try #require(try rig.stage("obama", stage).qa, "\(stage) was checked")
            #expect(qa.verdict == verdict, "\(stage): \(qa.checks.map { "\($0.check)=\($0.verdict) \($0.detail)" })")
            #expect(qa.attempts == attempts, "\(stage) attempts")
        }
        #expect(rig.prompt(2).contains("looked like a different person"), "identity fed back: \(rig.prompt(2))")
        #expect(rig.prompt(4).contains("repeated front unchanged"), "duplicate fed back: \(rig.prompt(4))")
        #expect(rig.prompt(5).contains("front flipped left-right"), "mirror fed back: \(rig.prompt(5))")
        #expect(rig.prompt(7).contains("show only the back of the head"), "face on the back fed back: \(rig.prompt(7))")
        #expect(rig.prompt(8).contains("was blank"), "blank fed back: \(rig.prompt(8))")
        // The kept side is the third answer, and only kept attempts stay in the work folder.
        let side = try rig.stage("obama", .side)
        #expect(side.sha256 == SHA256Digest.hex(of: answers[5]))
        let kit = try #require(try rig.daemon.database.kit("obama"))
        let work = (try? FileManager.default.contentsOfDirectory(atPath: rig.dir.url("state/work/\(kit.id)"))) ?? []
        #expect(work.filter { $0.hasPrefix("side") }.count == 1, "rejected attempts are removed: \(work)")
        let manifest = try await checkKitFolderExactly(try #require(kit.outboxDir))
        #expect(manifest["qa"]?["counts"]?["pass"] == .number(3, isInteger: true))
        #expect(manifest["qa"]?["counts"]?["warn"] == .number(1, isInteger: true))
        let avatar = try #require(try rig.stage("obama", .avatar).qa)
        #expect(avatar.checks.first { $0.check == .face }?.detail.contains("turned away") == true)
        #expect(manifest["qa"]?["regenerations"] == .number(5, isInteger: true))
        #expect(manifest["qa"]?["identity_mode"] == .string("photoreal"))
        let metrics = rig.daemon.metrics.registry.render()
        for (stage, count) in [("front", 1), ("side", 2), ("back", 2)] {
            #expect(metrics.contains("refkit_qa_regenerations_total{stage=\"\(stage)\"} \(count)\n"), "\(stage) regenerations")
        }
        #expect(metrics.contains("refkit_qa_checks_total{check=\"face\",verdict=\"warn\"} 1\n"), "the avatar's turned face")
        #expect(metrics.contains("refkit_qa_checks_total{check=\"mirror\",verdict=\"fail\"} 0\n"), "kept references only")
    }

    /// When every attempt fails the best is kept with verdict fail and the kit is partial; a
    /// budget that runs out during the regenerations stops them, never spending past it.
    @Test func aBudgetThatRunsOutStopsRegenerationAndTheKitIsPartial() async throws {
        let biden = try QAImages.photo("biden.jpg")
        let rig = try await QARig.run(
            "qa-budget", stages: #"["avatar", "front"]"#, answers: [try QAImages.photo("obama2.jpg"), biden, biden, biden, biden],
            qa: "max_regenerations = 5", order: "budget_usd = 0.04", price: 0.01)
        #expect(rig.fake.callCount == 4, "avatar + three fronts fit 0.04; a fourth would not")
        #expect(rig.summary.kits[.partial] == 1, "\(rig.summary.kits)")
        let front = try #require(try rig.stage("obama", .front).qa)
        #expect(front.verdict == .fail && front.attempts == 3)
        let identity = try #require(front.checks.first { $0.check == .identity })
        #expect(identity.verdict == .fail && identity.detail.contains("qa_budget_exhausted"), "\(identity.detail)")
        let kit = try #require(try rig.daemon.database.kit("obama"))
        #expect(try rig.daemon.database.kitCost(kitID: kit.id) <= 0.04 + 1e-9)
        #expect(try rig.daemon.database.kitsNeedingReview().map(\.id) == [kit.id])
        let manifest = try await checkKitFolderExactly(try #require(kit.outboxDir))
        #expect(manifest["status"] == .string("partial"))
        #expect(manifest["qa"]?["counts"]?["fail"] == .number(1, isInteger: true))
        let index = String(decoding: FileFixtures.read(rig.dir.url("outbox/index.html")) ?? [], as: UTF8.self)
        #expect(index.contains("href=\"obama/index.html\"") && index.contains("QA: needs review"), "the outbox's index lists it")
    }

    /// The last attempt is not always the best: with no attempts left the one closest to the
    /// reference is kept (an image with a face of the right person beats a blank one).
    @Test func withNoAttemptsLeftTheBestAttemptIsKept() async throws {
        let answers = [try QAImages.photo("obama2.jpg"), try QAImages.photo("biden.jpg"), try QAImages.black()]
        let rig = try await QARig.run("qa-best", stages: #"["avatar", "front"]"#, answers: answers, qa: "max_regenerations = 1")
        #expect(rig.fake.callCount == 3)
        let front = try rig.stage("obama", .front)
        #expect(front.qa?.verdict == .fail && front.qa?.attempts == 2)
        #expect(front.sha256 == SHA256Digest.hex(of: answers[1]), "biden (a face, wrong person) beats a blank image")
        #expect(front.seed != nil && front.prompt?.contains("different person") == false, "the kept attempt's own prompt")
    }
}
