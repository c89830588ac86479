import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitDigest
import RefkitTestSupport
import Testing

/// Text-only plans end to end (issue 17, item 5), against the fal fake: a scene gets the made
/// references of exactly the characters it names, and a plan of scenes alone completes.
@Suite("Text-only plans through the daemon", .timeLimit(.minutes(2)))
struct TextOnlyPlanDaemonTests {
    /// One standalone order `NAME.json` through a watch on the fal fake (every image sent as a list).
    static func run(_ fake: FakeFal, order: String, name: String) async throws -> (TemporaryDirectory, Daemon, Daemon.Summary, CapturedLog)
    {
        let dir = try TemporaryDirectory("text-only")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(fake.key + "\n", to: dir.url("key.txt"))
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [retry]
            attempts = 2
            base_delay_ms = 10
            max_delay_ms = 50
            [providers.fal]
            base_url = "\(fake.baseURL)"
            app_id = "fal-ai/flux-pro/kontext/multi"
            images_field = "image_urls"
            api_key_file = "key.txt"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 100
              [watch.default_order]
              provider = "fal"
            """, in: dir)
        try FileFixtures.write(order, to: "\(inbox)/\(name).json")
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger)
        let summary = try await daemon.run(.once)
        return (dir, daemon, summary, log)
    }

    /// The images a submitted input carried, decoded from their data URIs.
    static func images(_ input: JSONValue) -> [[UInt8]] {
        (input["image_urls"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(FakeFal.DataURI.decode)?.bytes }
    }

    @Test func aSceneGetsTheReferencesOfTheCharactersItNamesOnly() async throws {
        let fake = try await FakeFal.start()
        // Each character's image differs, so the scenes' references can be told apart.
        for (i, name) in ["one.png", "two.png"].enumerated() {
            fake.host(name, bytes: try ImageFixtures.png(seed: UInt64(300 + i), width: 40, height: 30), contentType: "image/png")
            fake.script(.result, .json(200, #"{"images": [{"url": "\#(fake.baseURL)/files/\#(name)", "content_type": "image/png"}]}"#))
        }
        let order = #"""
            {"characters": [{"name": "captain", "description": "a grey-bearded captain"},
                            {"name": "engineer", "description": "a young engineer in overalls"}],
             "scenes": [{"id": "engine_room", "description": "fixing the engine", "characters": ["engineer"]},
                        {"id": "deck", "description": "on deck at dusk", "characters": ["engineer", "captain"]}]}
            """#
        let (dir, daemon, summary, log) = try await Self.run(fake, order: order, name: "crew")
        defer { withExtendedLifetime(dir) {} }
        await fake.stop()
        #expect(summary.kits[.complete] == 1, "\(log.text.suffix(3000))")
        let kit = try #require(try daemon.database.kit("crew"))
        let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
        func published(_ stage: String) throws -> [UInt8] {
            let entry = try #require(manifest["stages"]?.arrayValue?.first { $0["stage"] == .string(stage) }, "\(stage) not listed")
            let file = try #require(entry["file"]?.stringValue)
            return try #require(FileFixtures.read("\(kit.outboxDir ?? "")/\(file)"))
        }
        let captain = try published("character:captain")
        let engineer = try published("character:engineer")
        #expect(captain != engineer)
        let inputs = fake.calls(.submit).compactMap(\.json)
        #expect(inputs.count == 4)
        func input(_ words: String) throws -> JSONValue {
            try #require(inputs.first { $0["prompt"]?.stringValue?.contains(words) == true }, "no request with \(words)")
        }
        #expect(Self.images(try input("reference portrait of captain")).isEmpty, "a character is made from its description alone")
        let engineRoom = try input("fixing the engine")
        #expect(Self.images(engineRoom) == [engineer], "the engine room names only the engineer")
        #expect(engineRoom["prompt"]?.stringValue?.contains("grey-bearded") == false, "\(engineRoom.serialized.prefix(400))")
        let deck = try input("on deck at dusk")
        #expect(Self.images(deck) == [engineer, captain], "both, in the order the scene names them")
        #expect(!(try published("scene:deck")).isEmpty, "the scene is published")
    }

    /// A follow-up adds scenes to a finished text-only kit: made from the references of the
    /// characters they name; a name the kit does not have is refused with its JSON path.
    @Test func aFollowUpSceneGetsItsCharacterAndAnUnknownNameIsRefused() async throws {
        let fake = try await FakeFal.start()
        fake.host("one.png", bytes: try ImageFixtures.png(seed: 310, width: 40, height: 30), contentType: "image/png")
        fake.script(.result, .json(200, #"{"images": [{"url": "\#(fake.baseURL)/files/one.png", "content_type": "image/png"}]}"#))
        // The first daemon goes away with this scope (it holds the state directory's lock).
        func firstRun() async throws -> (TemporaryDirectory, Configuration, CapturedLog, engineer: [UInt8]) {
            let order = #"{"characters": [{"name": "captain"}, {"name": "engineer"}], "scenes": [{"id": "deck"}]}"#
            let (dir, first, summary, log) = try await Self.run(fake, order: order, name: "crew")
            #expect(summary.kits[.complete] == 1, "\(log.text.suffix(3000))")
            let kit = try #require(try first.database.kit("crew"))
            let file = try #require(try first.database.stages(kitID: kit.id).first { $0.stage == .character("engineer") }?.file)
            return (dir, first.configuration, log, try #require(FileFixtures.read("\(first.configuration.stateDir)/\(file)")))
        }
        let (dir, configuration, log, engineerBytes) = try await firstRun()
        defer { withExtendedLifetime(dir) {} }
        let inbox = "\(dir.path)/inbox"
        try FileFixtures.write(
            #"{"kit": "crew", "scenes": [{"id": "mess", "description": "in the mess", "characters": ["engineer"]}]}"#,
            to: "\(inbox)/more.json")
        try FileFixtures.write(#"{"kit": "crew", "scenes": [{"id": "galley", "characters": ["cook"]}]}"#, to: "\(inbox)/bad.json")
        let again = try Daemon.build(configuration: configuration, logger: log.logger)
        let second = try await again.run(.once)
        await fake.stop()
        #expect(second.rejected == 1, "\(log.text.suffix(3000))")
        let report = try #require(FileFixtures.read("\(dir.path)/rejected/bad.json.error.json"))
        let error = try JSONValue.parse(report)
        #expect(error["code"] == .string("order_invalid_value"))
        #expect(error["detail"]?.stringValue?.hasPrefix("$.scenes[0].characters[0] \"cook\"") == true, "\(error.serialized)")
        let mess = try #require(fake.calls(.submit).compactMap(\.json).first { $0["prompt"]?.stringValue?.contains("in the mess") == true })
        #expect(Self.images(mess) == [engineerBytes], "the follow-up scene is made from the engineer it names")
        let kit = try #require(try again.database.kit("crew"))
        #expect(try again.database.stages(kitID: kit.id).first { $0.stage == .scene("mess") }?.status == .done)
    }

    @Test func aPlanOfScenesAloneCompletes() async throws {
        let fake = try await FakeFal.start()
        let order = #"""
            {"characters": [], "scenes": [{"id": "harbour", "description": "a fishing harbour at dawn"},
                                          {"id": "market", "description": "a covered fish market"}]}
            """#
        let (dir, daemon, summary, log) = try await Self.run(fake, order: order, name: "places")
        defer { withExtendedLifetime(dir) {} }
        await fake.stop()
        #expect(summary.kits[.complete] == 1, "\(log.text.suffix(3000))")
        let kit = try #require(try daemon.database.kit("places"))
        #expect(kit.textOnly)
        let stages = try daemon.database.stages(kitID: kit.id)
        #expect(stages.map(\.stage) == [.scene("harbour"), .scene("market")])
        #expect(stages.allSatisfy { $0.status == .done && $0.dependsOn == nil })
        let inputs = fake.calls(.submit).compactMap(\.json)
        #expect(inputs.count == 2)
        #expect(inputs.allSatisfy { Self.images($0).isEmpty && $0["image_urls"] == nil }, "no character to show")
        #expect(inputs.allSatisfy { $0["prompt"]?.stringValue?.hasPrefix("A location reference image:") == true })
        let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
        #expect(manifest["status"] == .string("complete"))
        #expect(manifest["stages"]?.arrayValue?.count == 2)
    }
}
