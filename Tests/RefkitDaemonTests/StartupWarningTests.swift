import Foundation
import RefkitConfig
import RefkitDaemon
import RefkitTestSupport
import Testing

/// `refkit run` with providers that have no credential says so once at start-up, per provider.
@Suite("Start-up warnings", .timeLimit(.minutes(1)))
struct StartupWarningTests {
    @Test func eachProviderWithoutACredentialIsNamedOnceAtStartUp() async throws {
        let dir = try TemporaryDirectory("startup-warnings")
        let file = dir.url("refkit.toml")
        try FileFixtures.write(
            """
            state_dir = "state"
            [providers.gemini]
            api_key_env = "REFKIT_TEST_NO_SUCH_GEMINI_KEY"
            [providers.openai]
            api_key_file = "missing-key.txt"
            [analyzer]
            api_key_env = "REFKIT_TEST_NO_SUCH_ANALYZER_KEY"

            """ + watchTable("a", provider: "preview"), to: file)
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: try ConfigurationLoader.load(path: file), logger: log.logger)
        let running = RunningDaemon(daemon)
        try await eventually("start-up to finish") { log.text.contains("inbox rescanned") }
        try await running.stop()
        let lines = log.text.split(separator: "\n")
        for provider in ["gemini", "openai"] {
            let warnings = lines.filter { $0.contains("provider cannot be used") && $0.contains("provider=\(provider)") }
            #expect(warnings.count == 1, "\(provider): \(warnings)")
            #expect(warnings.first?.contains("no API key") == true, "\(warnings)")
        }
        #expect(!lines.contains { $0.contains("provider cannot be used") && $0.contains("provider=preview") })
        #expect(lines.filter { $0.contains("analyzer cannot be used") }.count == 1, "\(log.text)")
    }
}
