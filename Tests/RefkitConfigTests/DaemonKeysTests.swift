import Foundation
import Testing

@testable import RefkitConfig

@Suite("[daemon] keys")
struct DaemonKeysTests {
    static func parse(_ daemon: String) throws(ConfigError) -> Configuration {
        try ConfigurationLoader.parse(
            text: "[daemon]\n\(daemon)\n[[watch]]\nname = \"w\"\ninbox = \"/srv/in\"\noutbox = \"/srv/out\"\n",
            file: "/etc/refkit/refkit.toml",
            relativeTo: "/etc/refkit")
    }

    @Test func janitorDiskFullAndSummaryKeysAreReadWithTheirDefaults() throws {
        let defaults = try Self.parse("").daemon
        #expect(defaults.diskFullRetrySeconds == 30 && defaults.workRetentionHours == 24 && defaults.maxStateMB == 0)
        #expect(defaults.janitorIntervalSeconds == 3600 && defaults.summaryIntervalSeconds == 3600)
        let set = try Self.parse(
            "disk_full_retry_s = 5\nwork_retention_h = 48\nmax_state_mb = 2048\njanitor_interval_s = 600\nsummary_interval_s = 900"
        ).daemon
        #expect(set.diskFullRetrySeconds == 5 && set.workRetentionHours == 48 && set.maxStateMB == 2048)
        #expect(set.janitorIntervalSeconds == 600 && set.summaryIntervalSeconds == 900)
    }

    @Test(arguments: [
        ("disk_full_retry_s = 0", "daemon.disk_full_retry_s"), ("work_retention_h = -1", "daemon.work_retention_h"),
        ("max_state_mb = \"big\"", "daemon.max_state_mb"), ("janitor_interval_s = 0", "daemon.janitor_interval_s"),
        ("summary_interval_s = 1.5", "daemon.summary_interval_s"), ("retention = 3", "daemon.retention"),
    ])
    func badValuesNameTheKeyAndLine(_ line: String, _ key: String) {
        do throws(ConfigError) {
            _ = try Self.parse(line)
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.key == key)
            #expect(error.line == 2, "\(error)")
        }
    }

    /// The README's configuration reference lists every [daemon] key.
    @Test func readmeDocumentsEveryDaemonKey() throws {
        let readme = try String(
            contentsOfFile: exampleConfigPath.replacingOccurrences(of: "config/refkit.toml", with: "README.md"), encoding: .utf8)
        for key in ConfigReader.daemonKeys {
            #expect(readme.contains("`[daemon] \(key)`"), "README lacks [daemon] \(key)")
        }
    }

    @Test func concurrencyAdviceNamesProvidersThatCannotReachTheirConcurrency() throws {
        func advice(_ limits: Int, _ providers: [(String, Int)]) throws -> [String] {
            let tables = providers.map { "[providers.\($0.0)]\nkind = \"preview\"\nconcurrency = \($0.1)\n" }.joined()
            return try ConfigurationLoader.parse(
                text: "[limits]\nconcurrency = \(limits)\n\(tables)[[watch]]\nname = \"w\"\ninbox = \"/srv/in\"\noutbox = \"/srv/out\"\n",
                file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit"
            ).concurrencyAdvice
        }
        let starved = try advice(12, [("fast", 16), ("slow", 4)])
        #expect(starved.count == 1)
        #expect(starved.first?.contains("providers.fast concurrency = 16, but [limits] concurrency = 12 lets at most 12") == true)
        #expect(starved.first?.contains("about 48") == true)
        let tight = try advice(12, [("fast", 8)])
        #expect(tight.count == 1 && tight[0].contains("rarely reached"))
        #expect(try advice(48, [("fast", 16), ("slow", 4)]).isEmpty)
    }
}
