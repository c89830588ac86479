import RefkitConfig
import RefkitCore
import RefkitQA
import Testing

@Suite("Configuration: quality checks")
struct QAConfigTests {
    static func watch(_ extra: String) -> String {
        """
        [[watch]]
        name = "w"
        inbox = "/in"
        outbox = "/out"
        \(extra)
        """
    }

    @Test func aWatchSwitchesChecksOffOrNamesThem() throws {
        let off = try ConfigurationLoader.parse(text: Self.watch("qa = false"), file: "t.toml", relativeTo: "/")
        #expect(off.watches.first?.defaultOrder.qa == false)
        #expect(off.watches.first?.defaultOrder.qaChecks == nil)
        let some = try ConfigurationLoader.parse(
            text: Self.watch("qa_checks = [\"health\", \"duplicate\"]"), file: "t.toml", relativeTo: "/")
        #expect(some.watches.first?.defaultOrder.qa == nil)
        #expect(some.watches.first?.defaultOrder.qaChecks == [.health, .duplicate])
    }

    @Test func theWatchsOwnKeysWinOverItsDefaultOrder() throws {
        let config = try ConfigurationLoader.parse(
            text: Self.watch("qa = true\n  [watch.default_order]\n  qa = false\n  qa_checks = [\"face\"]"), file: "t.toml", relativeTo: "/")
        #expect(config.watches.first?.defaultOrder.qa == true)
        #expect(config.watches.first?.defaultOrder.qaChecks == [.face])
    }

    @Test func anUnknownCheckNamesTheKeyAndTheLine() throws {
        do {
            _ = try ConfigurationLoader.parse(text: Self.watch("qa_checks = [\"health\", \"nose\"]"), file: "t.toml", relativeTo: "/")
            Issue.record("an unknown check was accepted")
        } catch {
            #expect(error.key == "watch[0].qa_checks")
            #expect(error.line == 5)
            #expect(error.message.contains("unknown quality check"), "\(error.message)")
            #expect(error.message.contains("\"nose\""), "\(error.message)")
        }
        #expect(throws: ConfigError.self) {
            try ConfigurationLoader.parse(text: Self.watch("qa = \"no\""), file: "t.toml", relativeTo: "/")
        }
    }

    @Test func aSidecarOverridesTheWatchAndSaysWhich() throws {
        var watchDefault = Order(stages: .profile(.core), provider: "preview")
        watchDefault.qa = false
        watchDefault.qaChecks = [.health]
        let sidecar = try OrderValidator.validate(bytes: Array(#"{"qa": true}"#.utf8))
        let effective = sidecar.overlaying(watchDefault)
        #expect(effective.qa == true)
        #expect(effective.qaChecks == [.health])
    }

    @Test func defaultsAreTheResearchedOnes() throws {
        let config = try ConfigurationLoader.parse(text: Self.watch(""), file: "t.toml", relativeTo: "/")
        #expect(config.qa.enabled)
        #expect(config.qa.maxRegenerations == 2)
        #expect(config.qa.judge == nil)
        #expect(config.qa.modelsDirectory == "/var/cache/refkit/models")
        #expect(config.qa.thresholds == QAThresholds())
        // No judge named: the judge does not run even though it is among the checks.
        #expect(config.qa.checks(for: Order()) == [.health, .duplicate, .mirror, .face, .identity])
    }

    @Test func thresholdsAndTheJudgeAreRead() throws {
        let config = try ConfigurationLoader.parse(
            text: """
                [providers.vision]
                kind = "openai"
                [qa]
                max_regenerations = 1
                judge = "vision"
                judge_model = "gpt-4.1-mini"
                checks = ["health", "identity", "judge"]
                  [qa.thresholds]
                  identity_pass = 0.45
                  identity_fail = 0.62
                  duplicate_phash = 4
                """ + "\n" + Self.watch(""), file: "t.toml", relativeTo: "/")
        #expect(config.qa.maxRegenerations == 1)
        #expect(config.qa.judge == "vision")
        #expect(config.qa.thresholds.identityFrontal == .init(pass: 0.45, fail: 0.62))
        #expect(config.qa.thresholds.duplicatePhash == 4)
        #expect(config.qa.thresholds.mirrorFlippedPhash == QAThresholds().mirrorFlippedPhash)
        #expect(config.qa.checks(for: Order()) == [.health, .identity, .judge])
        var order = Order()
        order.qaChecks = [.identity, .mirror]
        // An order narrows the configured checks; it cannot add one the configuration leaves out.
        #expect(config.qa.checks(for: order) == [.identity])
        order.qa = false
        #expect(config.qa.checks(for: order).isEmpty)
    }

    static let badQA: [(text: String, key: String, message: String)] = [
        ("[qa]\njudge = \"nobody\"", "qa.judge", "no provider named \"nobody\""),
        ("[providers.fal]\napp_id = \"x\"\n[qa]\njudge = \"fal\"", "qa.judge", "cannot answer text"),
        ("[qa]\njudge = \"analyzer\"", "qa.judge", "needs an [analyzer] section"),
        ("[qa]\nmax_regenerations = 11", "qa.max_regenerations", "between 0 and 10"),
        ("[qa]\nchecks = [\"health\", \"vibes\"]", "qa.checks", "unknown quality check"),
        ("[qa]\ncolour = 1", "qa.colour", "unknown key"),
        ("[qa.thresholds]\nidentity_pass = 0.7\nidentity_fail = 0.6", "qa.thresholds.identity_fail", "must be at least identity_pass"),
        ("[qa.thresholds]\nduplicate_phash = 65", "qa.thresholds.duplicate_phash", "between 0 and 64"),
        ("[qa.thresholds]\nface_size = 3", "qa.thresholds.face_size", "unknown key"),
    ]

    @Test("a bad [qa] names the key", arguments: badQA.indices)
    func badQANamesTheKey(_ index: Int) throws {
        let bad = Self.badQA[index]
        do {
            _ = try ConfigurationLoader.parse(text: bad.text + "\n" + Self.watch(""), file: "t.toml", relativeTo: "/")
            Issue.record("accepted: \(bad.text)")
        } catch {
            #expect(error.key == bad.key, "\(error)")
            #expect(error.message.contains(bad.message), "\(error)")
            #expect(error.line != nil, "\(error)")
        }
    }
}
