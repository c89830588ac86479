import RefkitConfig
import RefkitCore
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
}
