import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

/// Issue 17 item 6 end to end: the kit's content rating (the analyzer's, else the order's
/// `source.rating`) in the store, the manifest and `refkit show`, and a watch's
/// `max_content_rating` refusing a kit above it before any generation.
@Suite("Content rating through the daemon", .timeLimit(.minutes(2)))
struct ContentRatingDaemonTests {
    static func config(limit: String?) -> String {
        let text = lifecycleConfig(#"stages = ["avatar", "front"]"# + "\n  analyze = true")
        guard let limit else { return text }
        return text.replacingOccurrences(of: "  [watch.default_order]", with: "max_content_rating = \"\(limit)\"\n  [watch.default_order]")
    }

    static func analyzerTable(_ analyzer: FakeAnalyzer) -> String {
        """

        [analyzer]
        base_url = "\(analyzer.baseURL)"
        model = "vision-1"
        api_key_file = "analyzer.key"
        """
    }

    /// The analyzer rates the source R (Mature); the watch allows Soft: the kit fails with
    /// `content_rating_refused`, no image is asked for, and the rating is kept and shown.
    @Test func aMatureKitIsRefusedByASoftWatch() async throws {
        let analyzer = try await FakeAnalyzer.start(key: "sk-rating-0000")
        analyzer.script(.content(#"{"gender":"male","hair_color":"black","description":"A man.","content_rating":"R"}"#))
        let dir = try TemporaryDirectory("rating-refused")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write("sk-rating-0000", to: dir.url("analyzer.key"))
        let text = Self.config(limit: "Soft") + Self.analyzerTable(analyzer)
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = try CountingProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 41, width: 96, height: 128), to: "\(inbox)/rex.jpg")
        let summary = try await daemon.run(.once)
        await analyzer.stop()

        #expect(summary.kits[.failed] == 1, "\(summary.kits)")
        #expect(provider.totalCalls == 0, "no image was asked for")
        #expect(analyzer.requests.count == 1, "the analyzer rated the source once")
        let kit = try #require(try daemon.database.kit("rex"))
        #expect(kit.status == .failed)
        #expect(kit.contentRating == .mature)
        #expect(kit.errorCode == "content_rating_refused", "\(kit.errorCode ?? "") \(kit.errorMessage ?? "")")
        #expect(kit.errorMessage?.contains("Mature") == true && kit.errorMessage?.contains("Soft") == true, "\(kit.errorMessage ?? "")")
        let stages = try daemon.database.stages(kitID: kit.id)
        #expect(stages.allSatisfy { $0.costUSD == 0 && $0.file == nil }, "nothing was made or paid for")

        let config = dir.url("refkit.toml")
        let show = try await refkitCLI(["show", "rex"], config: config)
        #expect(show.output.contains("rating:   Mature"), "\(show.output)")
        #expect(show.output.contains("content_rating_refused"), "\(show.output)")
        let shown = try JSONValue.parse(Array(try await refkitCLI(["show", "rex", "--json"], config: config).output.utf8))
        #expect(shown["content_rating"] == .string("Mature"))
        #expect(shown["error"]?["code"] == .string("content_rating_refused"))
        // A failed kit is published too (its manifest says why): with the rating that refused it.
        let folder = try #require(kit.outboxDir)
        let manifest = try #require(manifestJSON(folder))
        #expect(manifest["content_rating"] == .string("Mature"))
        #expect(manifest["status"] == .string("failed"))
    }

    /// No analyzer answer about the rating: the order's `source.rating` is the kit's; with no
    /// limit the kit is made, and the manifest (valid against its schema) and `show` carry it.
    @Test func theOrdersSourceRatingReachesTheManifest() async throws {
        let dir = try TemporaryDirectory("rating-source")
        let inbox = try dir.folder("inbox")
        let text = Self.config(limit: nil).replacingOccurrences(of: "\n  analyze = true", with: "")
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let provider = try CountingProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        try FileFixtures.write(#"{"kit": "lia", "source": {"platform": "civitai", "id": 7, "rating": "soft"}}"#, to: "\(inbox)/lia.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 42, width: 96, height: 128), to: "\(inbox)/lia.jpg")
        let summary = try await daemon.run(.once)

        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        #expect(provider.totalCalls == 2)
        let kit = try #require(try daemon.database.kit("lia"))
        #expect(kit.contentRating == .soft)
        let folder = try #require(kit.outboxDir)
        let manifest = try await checkKitFolderExactly(folder)
        #expect(manifest["content_rating"] == .string("Soft"))
        #expect(manifest["source"]?["provenance"]?["rating"] == .string("soft"), "the provenance is kept as given")
        let shown = try JSONValue.parse(Array(try await refkitCLI(["show", "lia", "--json"], config: dir.url("refkit.toml")).output.utf8))
        #expect(shown["content_rating"] == .string("Soft"))
    }

    /// A kit rated at the watch's limit is made.
    @Test func aKitAtTheLimitIsMade() async throws {
        let dir = try TemporaryDirectory("rating-at-limit")
        let inbox = try dir.folder("inbox")
        let text = Self.config(limit: "Mature").replacingOccurrences(of: "\n  analyze = true", with: "")
        let provider = try CountingProvider()
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        try FileFixtures.write(#"{"kit": "mo", "source": {"rating": "R"}}"#, to: "\(inbox)/mo.json")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 43, width: 96, height: 128), to: "\(inbox)/mo.jpg")
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        #expect(try daemon.database.kit("mo")?.contentRating == .mature)
        #expect(provider.totalCalls == 2)
    }
}
