import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

/// Prompt control end to end (issue 17, item 3): a watch's style, an order's templates and
/// negative prompts reach what the fake providers receive, and the manifest records them.
@Suite("Prompt control through the daemon", .timeLimit(.minutes(2)))
struct PromptControlDaemonTests {
    static let closeUp = "face clearly visible from shoulders up, natural daylight, shallow depth of field, photorealistic"

    /// A watch on `provider` (its table `providerTable`, the key in a file) with `watchKeys`,
    /// one source `ayla.jpg` and, when given, its sidecar; run once.
    static func run(
        provider: String, providerTable: String, secret: String, watchKeys: String, sidecar: String?
    ) async throws -> (TemporaryDirectory, Daemon, Daemon.Summary, CapturedLog) {
        let (dir, configuration) = try setUp(
            provider: provider, providerTable: providerTable, secret: secret, watchKeys: watchKeys, sidecar: sidecar)
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger)
        let summary = try await daemon.run(.once)
        return (dir, daemon, summary, log)
    }

    /// The folders, the configuration and the inbox's files of `run`.
    static func setUp(
        provider: String, providerTable: String, secret: String, watchKeys: String, sidecar: String?
    ) throws -> (TemporaryDirectory, Configuration) {
        let dir = try TemporaryDirectory("prompt-control")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(secret + "\n", to: dir.url("key.txt"))
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [retry]
            attempts = 2
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
            \(watchKeys)
              [watch.default_order]
              stages = ["avatar", "front"]
              provider = "\(provider)"
            """, in: dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 77, width: 120, height: 160), to: "\(inbox)/ayla.jpg")
        if let sidecar { try FileFixtures.write(sidecar, to: "\(inbox)/ayla.json") }
        return (dir, configuration)
    }

    /// The manifest's stages by name.
    static func manifestStages(_ daemon: Daemon) throws -> [String: JSONValue] {
        let kit = try #require(try daemon.database.kit("ayla"))
        let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
        var out: [String: JSONValue] = [:]
        for stage in manifest["stages"]?.arrayValue ?? [] { if case .string(let name)? = stage["stage"] { out[name] = stage } }
        return out
    }

    @Test func aWatchStyleAndAnOrdersTemplateAndNegativePromptReachFal() async throws {
        let secret = "fal-test-secret-prompts-1"
        let fake = try await FakeFal.start(key: secret)
        let (dir, daemon, summary, log) = try await Self.run(
            provider: "fal", providerTable: "[providers.fal]\nbase_url = \"\(fake.baseURL)\"\napp_id = \"fal-ai/flux-pro/kontext\"",
            secret: secret, watchKeys: "prompt_style = \"\(Self.closeUp)\"\nnegative_prompt = \"from the watch\"",
            sidecar: #"{"prompts": {"front": "Front view of {subject}. {identity}"}, "negative_prompt": "blurry, text, watermark"}"#)
        defer { withExtendedLifetime(dir) {} }
        await fake.stop()
        #expect(summary.kits[.complete] == 1, "\(log.text.suffix(3000))")
        let inputs = fake.calls(.submit).compactMap(\.json)
        #expect(inputs.count == 2)
        for input in inputs {
            let prompt = input["prompt"]?.stringValue ?? ""
            #expect(prompt.hasSuffix(Self.closeUp), "the watch's style ends every prompt: \(prompt)")
            #expect(input["negative_prompt"] == .string("blurry, text, watermark"), "the order's negative prompt wins over the watch's")
        }
        let prompts = inputs.compactMap { $0["prompt"]?.stringValue }
        #expect(prompts.contains { $0.hasPrefix("Front view of the character. Keep the exact same character") }, "\(prompts)")
        #expect(prompts.contains { $0.hasPrefix("A head-and-shoulders portrait avatar") }, "no avatar template: the built-in wording")
        let stages = try Self.manifestStages(daemon)
        for name in ["avatar", "front"] {
            #expect(stages[name]?["negative_prompt"] == .string("blurry, text, watermark"), "\(name)")
            #expect(stages[name]?["prompt"]?.stringValue?.hasSuffix(Self.closeUp) == true, "\(name)")
        }
    }

    @Test func aWatchsNegativePromptReachesReplicatesInput() async throws {
        let secret = "r8_test_secret_prompts_2"
        let fake = try await FakeReplicate.start(token: secret)
        let (dir, daemon, summary, log) = try await Self.run(
            provider: "replicate",
            providerTable: "[providers.replicate]\nbase_url = \"\(fake.baseURL)\"\nmodel = \"black-forest-labs/flux-kontext-pro\"",
            secret: secret, watchKeys: "negative_prompt = \"extra fingers, text\"", sidecar: nil)
        defer { withExtendedLifetime(dir) {} }
        await fake.stop()
        #expect(summary.kits[.complete] == 1, "\(log.text.suffix(3000))")
        let inputs = fake.calls(.create).compactMap { $0.json?["input"] }
        #expect(inputs.count == 2)
        #expect(inputs.allSatisfy { $0["negative_prompt"] == .string("extra fingers, text") }, "\(inputs.map(\.serialized))")
        #expect(inputs.allSatisfy { $0["prompt"]?.stringValue?.contains("Avoid") == false }, "Replicate has a field for it")
        #expect(try Self.manifestStages(daemon)["front"]?["negative_prompt"] == .string("extra fingers, text"))
    }

    /// Each reference records the negative prompt its own call sent: a follow-up order with another one changes only
    /// the references made after it, and an app that takes none (`negative_prompt_field = ""`) records none.
    @Test func eachReferenceRecordsTheNegativePromptItsCallSent() async throws {
        let secret = "fal-test-secret-prompts-3"
        let fake = try await FakeFal.start(key: secret)
        let table = "[providers.fal]\nbase_url = \"\(fake.baseURL)\"\napp_id = \"fal-ai/flux-pro/kontext\""
        let (dir, configuration) = try Self.setUp(
            provider: "fal", providerTable: table, secret: secret, watchKeys: "negative_prompt = \"from the watch\"", sidecar: nil)
        defer { withExtendedLifetime(dir) {} }
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger)
        let running = RunningDaemon(daemon)
        try await eventually("ayla is complete") { try daemon.database.kit("ayla")?.status == .complete }
        try FileFixtures.write(#"{"kit": "ayla", "expressions": ["smile"], "negative_prompt": "hats"}"#, to: dir.url("inbox/more.json"))
        try await eventually("ayla has her expression", state: { "\(fake.calls(.submit).count) calls" }) {
            let kit = try daemon.database.kit("ayla")
            let stages = try daemon.database.stages(kitID: kit?.id ?? "")
            return kit?.status == .complete && stages.contains { $0.stage == .expression("smile") && $0.status == .done }
        }
        try await running.stop()
        await fake.stop()
        let sent = fake.calls(.submit).compactMap { $0.json?["negative_prompt"]?.stringValue }
        #expect(sent == ["from the watch", "from the watch", "hats"])
        let stages = try Self.manifestStages(daemon)
        #expect(stages["avatar"]?["negative_prompt"] == .string("from the watch"), "made before the follow-up: as it was sent")
        #expect(stages["front"]?["negative_prompt"] == .string("from the watch"))
        #expect(stages["expression:smile"]?["negative_prompt"] == .string("hats"), "\(stages.keys.sorted())")

        let none = try await FakeFal.start(key: secret)
        let (noneDir, noneDaemon, summary, log) = try await Self.run(
            provider: "fal",
            providerTable:
                "[providers.fal]\nbase_url = \"\(none.baseURL)\"\napp_id = \"fal-ai/flux-pro/kontext\"\nnegative_prompt_field = \"\"",
            secret: secret, watchKeys: "negative_prompt = \"from the watch\"", sidecar: nil)
        defer { withExtendedLifetime(noneDir) {} }
        await none.stop()
        #expect(summary.kits[.complete] == 1, "\(log.text.suffix(3000))")
        #expect(none.calls(.submit).allSatisfy { $0.json?["negative_prompt"] == nil })
        let unsent = try Self.manifestStages(noneDaemon)
        #expect(unsent["front"]?["negative_prompt"] == .null, "the app took none: none is recorded")
    }
}
