import RefkitConfig
import RefkitCore
import Testing

/// `[[watch]] max_content_rating` (issue 17 item 6).
@Suite("Config: max_content_rating")
struct ContentRatingConfigTests {
    @Test("absent is no limit; a level is read case-insensitively")
    func read() throws {
        let text = configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nmax_content_rating = \"soft\"")
        let config = try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
        #expect(config.watch(named: "manual")?.maxContentRating == nil)
        #expect(config.watch(named: "bulk")?.maxContentRating == .soft)
    }

    @Test("an unknown level or a number names the key and its line", arguments: [#""PG-18""#, "2"])
    func bad(_ value: String) throws {
        let c = BadConfig(
            name: value,
            text: configWithSecondWatch("name = \"bulk\"\ninbox = \"/b/in\"\noutbox = \"/b/out\"\nmax_content_rating = \(value) #!"),
            key: "watch[1].max_content_rating", message: "")
        let error = try #require(configError(c.text))
        #expect(error.key == c.key, "\(error)")
        #expect(error.line == c.markedLine, "\(error)")
        if value.hasPrefix("\"") { #expect(error.message.contains("None, Soft, Mature, X"), "\(error)") }
    }
}
