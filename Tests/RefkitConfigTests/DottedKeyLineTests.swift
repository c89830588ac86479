import Testing

@testable import RefkitConfig

/// Errors in dotted keys (`a.b = 1`) name the key's own line, not its table header's.
@Suite("Dotted key lines")
struct DottedKeyLineTests {
    static let cases: [BadConfig] = [
        BadConfig(
            name: "unknown dotted key in a provider table",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[providers.x]\nkind = \"preview\"\n\na.b = 1 #!"),
            key: "providers.x.a", message: "unknown key"),
        BadConfig(
            name: "dotted key whose table has the wrong type",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\n\n[daemon]\n\nrescan_interval_s.x = 60 #!"),
            key: "daemon.rescan_interval_s", message: "must be an integer, got table"),
        BadConfig(
            name: "top-level dotted key into a table",
            text: configWithSecondWatch("name = \"b\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"", top: "\nlimits.wings.x = 1 #!"),
            key: "limits.wings", message: "unknown key"),
    ]

    @Test(arguments: cases)
    func namesTheDottedKeysLine(_ bad: BadConfig) throws {
        let error = try #require(configError(bad.text))
        #expect(error.key == bad.key)
        #expect(error.line == bad.markedLine, "\(error)")
        #expect(error.message.contains(bad.message), "\(error.message)")
    }
}
