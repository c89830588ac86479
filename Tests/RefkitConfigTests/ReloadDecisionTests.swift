import RefkitConfig
import Testing

/// What a reload keeps and what it reports changed: values from two parsed files, no daemon.
@Suite("Reload decisions")
struct ReloadDecisionTests {
    static func parse(_ text: String) throws(ConfigError) -> Configuration {
        try ConfigurationLoader.parse(text: text, file: "/etc/refkit/refkit.toml", relativeTo: "/etc/refkit")
    }

    static func watch(_ name: String, settle: Int = 30) -> String {
        "[[watch]]\nname = \"\(name)\"\ninbox = \"/srv/\(name)/in\"\noutbox = \"/srv/\(name)/out\"\nsettle_ms = \(settle)\n"
    }

    @Test func keysThatNeedARestartKeepTheirRunningValuesAndAreNamed() throws {
        let running = try Self.parse("state_dir = \"/var/lib/a\"\n" + Self.watch("w"))
        var new = try Self.parse(
            "state_dir = \"/var/lib/b\"\nlog_level = \"debug\"\n[metrics]\nlisten = \"127.0.0.1:9100\"\n" + Self.watch("w"))
        #expect(new.keepRunningValues(of: running) == ["state_dir", "log_level", "metrics.listen"])
        #expect(new.stateDir == running.stateDir && new.logLevel == running.logLevel && new.metrics.listen == running.metrics.listen)
        var same = running
        #expect(same.keepRunningValues(of: running).isEmpty)
    }

    @Test func changesNameWatchesAndProvidersAddedRemovedAndChanged() throws {
        let provider = { (name: String, delay: Int) in "[providers.\(name)]\nkind = \"preview\"\ndelay_ms = \(delay)\n" }
        let old = try Self.parse(provider("p", 0) + provider("q", 0) + Self.watch("a") + Self.watch("b"))
        let new = try Self.parse(
            "[limits]\nconcurrency = 2\n" + provider("p", 5) + provider("r", 0) + Self.watch("a", settle: 40) + Self.watch("c"))
        let changes = ConfigurationChanges(from: old, to: new)
        #expect(changes.watchesAdded == ["c"] && changes.watchesRemoved == ["b"] && changes.watchesChanged == ["a"])
        #expect(changes.providersAdded == ["r"] && changes.providersRemoved == ["q"] && changes.providersChanged == ["p"])
        #expect(changes.limitsChanged)
        #expect(ConfigurationChanges(from: old, to: old) == ConfigurationChanges(from: new, to: new))
        #expect(!ConfigurationChanges(from: old, to: old).limitsChanged)
    }

    /// Retention is read by the daemon at each pass, so a reload changes it like the other watch keys:
    /// a watch whose retention changed is reported changed, and the new value is not kept back.
    @Test func outboxRetentionDaysIsReadAndChangedByAReload() throws {
        let old = try Self.parse(Self.watch("a"))
        #expect(old.watches[0].outboxRetentionDays == nil, "off by default")
        var new = try Self.parse(Self.watch("a") + "outbox_retention_days = 14\n")
        #expect(new.watches[0].outboxRetentionDays == 14)
        #expect(ConfigurationChanges(from: old, to: new).watchesChanged == ["a"])
        #expect(new.keepRunningValues(of: old).isEmpty)
        #expect(new.watches[0].outboxRetentionDays == 14)
    }

    @Test func theReloadLinesFieldsListNamesOrADash() throws {
        let old = try Self.parse(Self.watch("a") + Self.watch("b"))
        let new = try Self.parse(Self.watch("a") + Self.watch("c") + Self.watch("d"))
        #expect(
            ConfigurationChanges(from: old, to: new).logFields == [
                "watches_added": "c,d", "watches_removed": "b", "watches_changed": "-", "providers_added": "-",
                "providers_removed": "-", "providers_changed": "-", "limits_changed": "false",
            ])
    }
}
