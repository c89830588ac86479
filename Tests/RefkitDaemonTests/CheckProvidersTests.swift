import Foundation
import RefkitTestSupport
import Testing

/// `refkit check` judges orders against the configured providers as intake does.
@Suite("refkit check: providers", .timeLimit(.minutes(1)))
struct CheckProvidersTests {
    @Test("the real binary refuses an order naming an unconfigured provider or a model its provider cannot take")
    func checkSaysWhatIntakeSays() async throws {
        let dir = try TemporaryDirectory("check-providers")
        _ = try dir.folder("inbox")
        let config = dir.url("refkit.toml")
        try FileFixtures.write(lifecycleConfig(#"stages = "core""#), to: config)
        let unknown = dir.url("unknown.json")
        let model = dir.url("model.json")
        let fine = dir.url("fine.json")
        try FileFixtures.write(#"{"provider": "gemini", "stages": "core"}"#, to: unknown)
        try FileFixtures.write(#"{"model": "gpt-image-1"}"#, to: model)
        try FileFixtures.write(#"{"provider": "preview", "stages": "core"}"#, to: fine)
        let run = try await refkitCLI(["check", unknown, model, fine], config: config)
        #expect(run.status == 1, "\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix("rejected") && $0.contains("unknown.json") && $0.contains("order_provider_unknown")
                    && $0.contains("fake, preview")
            })
        #expect(lines.contains { $0.hasPrefix("rejected") && $0.contains("model.json") && $0.contains("order_model_unsupported") })
        #expect(lines.contains { $0.hasPrefix("ok") && $0.contains("fine.json") }, "\(run.output)")
    }
}
