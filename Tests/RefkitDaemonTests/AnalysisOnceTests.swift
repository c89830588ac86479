import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

@Suite("The analyzer is asked once per kit", .timeLimit(.minutes(2)))
struct AnalysisOnceTests {
    /// `candidates: 3` with `analyze: true`: the three candidate stages start together and each
    /// needs the analysis; one call describes the source, and every candidate's prompt uses it.
    @Test func candidatesStartingTogetherShareOneAnalysis() async throws {
        let analyzer = try await FakeAnalyzer.start(key: "sk-analysis-once-0000")
        let dir = try TemporaryDirectory("analysis-once")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write("sk-analysis-once-0000", to: dir.url("analyzer.key"))
        let text =
            lifecycleConfig(#"stages = ["avatar", "front"]"# + "\n  candidates = 3\n  analyze = true") + """

                [analyzer]
                base_url = "\(analyzer.baseURL)"
                model = "vision-1"
                api_key_file = "analyzer.key"
                """
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: quietLogger)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 31, width: 96, height: 128), to: "\(inbox)/tess.jpg")
        let summary = try await daemon.run(.once)
        await analyzer.stop()
        #expect(summary.kits[.complete] == 1, "\(summary.kits)")
        // Describing the source sends one image; choosing a candidate sends the source and the three.
        let descriptions = analyzer.requests.filter { $0.images.count == 1 }
        #expect(descriptions.count == 1, "the source was described \(descriptions.count) times")
        let kit = try #require(try daemon.database.kit("tess"))
        let candidates = try daemon.database.stages(kitID: kit.id).filter(\.stage.isCandidate)
        #expect(candidates.count == 3)
        #expect(candidates.allSatisfy { $0.prompt?.contains("auburn") == true }, "every candidate is made with the analysis")
    }
}
