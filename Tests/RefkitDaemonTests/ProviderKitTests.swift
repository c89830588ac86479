import Foundation
import Logging
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Synchronization
import Testing

/// A kit made through the daemon by one real provider client against its fake.
struct ProviderKit {
    let directory: TemporaryDirectory
    let daemon: Daemon
    let log: CapturedLog
    let summary: Daemon.Summary
    let secret: String

    /// Runs one source through a watch whose default order uses `provider` (configured by
    /// `providerTable`, with the key in a file), with fast retries.
    static func make(
        provider: String, providerTable: String, secret: String, stages: String = "[\"avatar\", \"front\"]", extraOrder: String = "",
        sidecar: String? = nil
    ) async throws -> ProviderKit {
        let dir = try TemporaryDirectory("provider-kit")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret + "\n", to: dir.url("key.txt"))
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [retry]
            attempts = 3
            base_delay_ms = 10
            max_delay_ms = 50
            \(providerTable)
            api_key_file = "key.txt"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 100
              [watch.default_order]
              stages = \(stages)
              provider = "\(provider)"
              \(extraOrder)
            """, in: dir)
        // A sidecar order first, so the image finds it when it settles.
        if let sidecar { try FileFixtures.write(sidecar, to: "\(inbox)/ayla.json") }
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 77, width: 120, height: 160), to: "\(inbox)/ayla.jpg")
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger)
        let summary = try await daemon.run(.once)
        return ProviderKit(directory: dir, daemon: daemon, log: log, summary: summary, secret: secret)
    }

    var kit: KitRecord {
        get throws {
            guard let kit = try daemon.database.kit("ayla") else { throw FixtureError("no kit ayla") }
            return kit
        }
    }

    func stage(_ name: String) throws -> StageRecord {
        let stages = try daemon.database.stages(kitID: kit.id)
        guard let stage = stages.first(where: { $0.stage.name == name }) else { throw FixtureError("no stage \(name)") }
        return stage
    }

    /// The key appears in no log line and in no file refkit wrote (database, WAL, outbox, work files).
    func expectSecretNowhere() throws {
        #expect(!log.text.contains(secret), "the API key reached a log line")
        for file in FileFixtures.files(below: directory.path) where !file.hasSuffix("key.txt") {
            guard let bytes = FileFixtures.read(file) else { continue }
            #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "the API key was written to \(file)")
        }
    }
}

@Suite("Provider kits through the daemon", .timeLimit(.minutes(2)))
struct ProviderKitTests {
    @Test func geminiKitWithARetriedRateLimitAndAFallbackAfterASafetyBlock() async throws {
        let secret = "AIzaTestSecret-gemini-5f1c2e"
        let fake = try await FakeGemini.start(apiKey: secret)
        // avatar: a 429 (retried), then an image; front: blocked (final), so the fallback makes it.
        fake.enqueue(.rateLimited(retryDelay: "0.05s"), .image(textBefore: "Here it is"), .promptBlocked(reason: "SAFETY"))
        let run = try await ProviderKit.make(
            provider: "gemini", providerTable: "[providers.gemini]\nbase_url = \"\(fake.baseURL)\"\nprice_per_image_usd = 0.039",
            secret: secret,
            extraOrder: "fallback_provider = \"preview\"")
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(4000))")
        let avatar = try run.stage("avatar")
        #expect(avatar.status == .done && avatar.provider == "gemini" && avatar.attempts == 2)
        #expect(abs(avatar.costUSD - 0.039) < 1e-9)
        let front = try run.stage("front")
        #expect(front.status == .done && front.provider == "preview", "the fallback made the blocked stage")
        #expect(fake.callCount == 3)
        let manifest = try checkManifest(kitFolder: try #require(try run.kit.outboxDir))
        guard case .array(let stages)? = manifest["stages"] else {
            Issue.record("no stages")
            return
        }
        #expect(stages.first { $0["stage"] == .string("avatar") }?["attempts"] == .number(2, isInteger: true))
        try run.expectSecretNowhere()
    }

    /// Each Gemini request carries its stage's seed (`generationConfig.seed`, an int32): the
    /// seeds the stages record, and a regenerate (a new generation, so a new seed) is a new request.
    @Test func geminiRequestsCarryTheStageSeedAndARegenerateANewOne() async throws {
        let secret = "AIzaTestSecret-gemini-seed-7a"
        let fake = try await FakeGemini.start(apiKey: secret)
        let wire = { (seed: Int64?) in seed.map { $0 & 0x7FFF_FFFF } }
        // The first daemon goes away with this scope (it holds the state directory's lock).
        func firstRun() async throws -> (TemporaryDirectory, Configuration, avatar: Int64?, front: Int64?) {
            let run = try await ProviderKit.make(
                provider: "gemini", providerTable: "[providers.gemini]\nbase_url = \"\(fake.baseURL)\"", secret: secret)
            #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(4000))")
            return (run.directory, run.daemon.configuration, try run.stage("avatar").seed, try run.stage("front").seed)
        }
        let (directory, configuration, avatar, first) = try await firstRun()
        defer { withExtendedLifetime(directory) {} }
        #expect(fake.requests.map(\.seed) == [wire(avatar), wire(first)])
        #expect(fake.requests.allSatisfy { $0.seed != nil })

        let again = try Daemon.build(configuration: configuration, logger: quietLogger)
        try again.database.regenerate(kit: "ayla", stages: [.front])
        let summary = try await again.run(.once)
        await fake.stop()
        #expect(summary.kits[.complete] == 1)
        let kit = try #require(try again.database.kit("ayla"))
        let regenerated = try #require(try again.database.stages(kitID: kit.id).first { $0.stage == .front }).seed
        #expect(regenerated != first)
        #expect(fake.requests.count == 3)
        #expect(fake.requests.last?.seed == wire(regenerated))
        #expect(fake.requests.last?.seed != fake.requests[1].seed, "the provider can tell the regenerate from the first call")
    }

    @Test func openAIKit() async throws {
        let secret = "sk-test-openai-9d8e7f"
        let fake = try await FakeOpenAI.start(apiKey: secret)
        let run = try await ProviderKit.make(
            provider: "openai", providerTable: "[providers.openai]\nbase_url = \"\(fake.baseURL)\"", secret: secret)
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1)
        #expect(try run.stage("front").provider == "openai")
        #expect(fake.callCount == 2)
        try run.expectSecretNowhere()
    }

    @Test func falKitThroughTheQueue() async throws {
        let secret = "fal-test-secret-abc123"
        let fake = try await FakeFal.start(key: secret)
        let run = try await ProviderKit.make(
            provider: "fal", providerTable: "[providers.fal]\nbase_url = \"\(fake.baseURL)\"\napp_id = \"fal-ai/flux-pro/kontext\"",
            secret: secret)
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(2000))")
        #expect(fake.count(.submit) == 2)
        try run.expectSecretNowhere()
    }

    @Test func replicateKit() async throws {
        let secret = "r8_test_secret_def456"
        let fake = try await FakeReplicate.start(token: secret)
        let run = try await ProviderKit.make(
            provider: "replicate",
            providerTable: "[providers.replicate]\nbase_url = \"\(fake.baseURL)\"\nmodel = \"black-forest-labs/flux-kontext-pro\"",
            secret: secret)
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(2000))")
        try run.expectSecretNowhere()
    }

    @Test func comfyUIKitOnALocalServer() async throws {
        let fake = try await FakeComfyUI.start()
        let run = try await ProviderKit.make(
            provider: "comfyui",
            providerTable: """
                [providers.comfyui]
                endpoints = ["\(fake.baseURL)"]
                workflow = "\(repositoryRoot)/config/comfyui-workflow.json"
                prompt_node = "6"
                seed_node = "25"
                image_nodes = ["41", "42"]
                output_node = "9"
                """, secret: "comfy-proxy-token-123")
        await fake.stop()
        #expect(run.summary.kits[.complete] == 1, "\(run.log.text.suffix(2000))")
        #expect(fake.promptIDs.count == 2)
        try run.expectSecretNowhere()
    }

    @Test func theAnalyzerDescribesTheSourceAndGivenAttributesWin() async throws {
        let fake = try await FakeAnalyzer.start(key: "sk-analyzer-secret-42")
        fake.script(.content(#"{"gender": "woman", "hair_color": "green", "eye_color": "blue", "description": "a test pilot"}"#))
        let dir = try TemporaryDirectory("analyze")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write("sk-analyzer-secret-42", to: dir.url("analyzer.key"))
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [analyzer]
            base_url = "\(fake.baseURL)"
            model = "gpt-4.1-mini"
            api_key_file = "analyzer.key"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 2000
            """, in: dir)
        try FileFixtures.write(
            #"{"stages": ["avatar", "front"], "analyze": true, "character": {"attributes": {"hair_color": "red"}}}"#,
            to: "\(inbox)/pilot.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 8, width: 120, height: 160), to: "\(inbox)/pilot.jpg")
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger)
        let summary = try await daemon.run(.once)
        await fake.stop()
        #expect(summary.kits[.complete] == 1)
        let kit = try #require(try daemon.database.kit("pilot"))
        let front = try #require(try daemon.database.stages(kitID: kit.id).first { $0.stage == .front })
        #expect(front.prompt?.contains("red hair") == true, "given attributes win: \(front.prompt ?? "")")
        #expect(front.prompt?.contains("blue eyes") == true, "analyzed attributes fill in")
        let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
        #expect(manifest["character"]?["attributes"]?["hair_color"]?["origin"] == .string("given"))
        #expect(manifest["character"]?["attributes"]?["eye_color"]?["origin"] == .string("analyzed"))
        #expect(!log.text.contains("sk-analyzer-secret-42"))
    }

    @Test func aProviderWithoutAKeyFailsTheKitWithAClearReason() async throws {
        let dir = try TemporaryDirectory("no-key")
        let inbox = try dir.folder("inbox")
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [providers.gemini]
            api_key_env = "REFKIT_TEST_UNSET_VARIABLE"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 100
              [watch.default_order]
              stages = ["avatar"]
              provider = "gemini"
            """, in: dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 3), to: "\(inbox)/nokey.jpg")
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.failed] == 1)
        let kit = try #require(try daemon.database.kit("nokey"))
        let stage = try #require(try daemon.database.stages(kitID: kit.id).first)
        #expect(stage.errorCode == "provider_unavailable")
        #expect(stage.errorMessage != nil)
    }
}
