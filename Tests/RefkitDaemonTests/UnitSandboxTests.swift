import Foundation
import RefkitConfig
import RefkitDaemon
import RefkitSystem
import RefkitTestSupport
import Testing

@testable import RefkitCLI

/// The shipped unit and the shipped configuration work together, and `refkit doctor` catches a
/// folder refkit writes that the unit's sandbox leaves read-only.
@Suite("Unit sandbox", .timeLimit(.minutes(2)))
struct UnitSandboxTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let shippedUnit = "\(repository)/systemd/refkit.service"
    static let shippedConfig = "\(repository)/config/refkit.toml"

    @Test func readsWritablePathsFromTheUnitAndItsDropIns() throws {
        let shipped = try UnitSandbox(unitFile: Self.shippedUnit)
        #expect(shipped.allowsWriting("/var/lib/refkit/refkit.sqlite"), "StateDirectory=refkit")
        #expect(shipped.allowsWriting("/srv/refkit/civitai/inbox"))
        #expect(!shipped.allowsWriting("/srv/refkitten"), "a prefix of a name is not its folder")
        #expect(!shipped.allowsWriting("/var/lib/prometheus/other"))
        let dropIn = UnitSandbox(texts: [
            "ProtectSystem=strict\nReadWritePaths=/a -/b\n", "[Service]\nReadWritePaths=\nReadWritePaths=/c\n",
        ])
        #expect(dropIn.writable == ["/c"], "an empty assignment resets the list")
        #expect(UnitSandbox(texts: ["ProtectSystem=full\n"]).writable == nil)
        #expect(UnitSandbox(texts: ["ProtectSystem=strict\n#ReadWritePaths=/x\n"]).writable == [])
    }

    /// The shipped pair: every folder the example config writes (state, inboxes, outboxes, the
    /// metrics textfile) is writable inside the shipped unit.
    @Test func theShippedConfigurationFitsTheShippedUnit() async throws {
        let configuration = try ConfigurationLoader.load(path: Self.shippedConfig)
        let sandbox = try UnitSandbox(unitFile: Self.shippedUnit)
        var written = [configuration.stateDir] + configuration.watches.flatMap { [$0.inbox, $0.outbox, $0.rejected] }
        if let textfile = configuration.metrics.textfile { written.append((textfile as NSString).deletingLastPathComponent) }
        #expect(written.count > 3)
        for path in written { #expect(sandbox.allowsWriting(path), "\(path) is read-only inside the shipped unit") }

        let dir = try TemporaryDirectory("doctor-unit")
        let (_, lines) = try await DoctorTests.doctor(["--config", Self.shippedConfig, "--offline", "--unit", Self.shippedUnit], in: dir)
        #expect(lines.contains("ok    unit sandbox: every folder refkit writes is writable inside \(Self.shippedUnit)"), "\(lines)")
    }

    /// The old pair: the unit wrote only /srv/refkit; doctor names the textfile folder.
    @Test func doctorFailsOnAFolderTheSandboxLeavesReadOnly() async throws {
        let dir = try TemporaryDirectory("doctor-unit-mismatch")
        let unit = dir.url("refkit.service")
        let text = try String(contentsOfFile: Self.shippedUnit, encoding: .utf8)
        try FileFixtures.write(
            text.replacingOccurrences(
                of: "ReadWritePaths=/srv/refkit -/var/lib/prometheus/node-exporter", with: "ReadWritePaths=/srv/refkit"), to: unit)
        let (status, lines) = try await DoctorTests.doctor(["--config", Self.shippedConfig, "--offline", "--unit", unit], in: dir)
        #expect(status == 1)
        #expect(
            lines.contains {
                $0.hasPrefix("FAIL  unit sandbox: [metrics] textfile /var/lib/prometheus/node-exporter is read-only inside \(unit)")
            },
            "\(lines)")
        // A drop-in that adds the folder settles it, as `systemctl edit refkit` would.
        try FileManager.default.createDirectory(atPath: unit + ".d", withIntermediateDirectories: true)
        try FileFixtures.write("[Service]\nReadWritePaths=/var/lib/prometheus/node-exporter\n", to: unit + ".d/metrics.conf")
        let (_, after) = try await DoctorTests.doctor(["--config", Self.shippedConfig, "--offline", "--unit", unit], in: dir)
        #expect(after.contains { $0.hasPrefix("ok    unit sandbox: ") }, "\(after)")
    }

    /// A textfile that cannot be written is logged when the failure starts and when it ends,
    /// not at every `interval_s`.
    @Test func aLastingTextfileFailureIsLoggedOnce() async throws {
        let dir = try TemporaryDirectory("textfile-once")
        let file = dir.url("refkit.toml")
        try FileFixtures.write(
            "state_dir = \"state\"\n[metrics]\ntextfile = \"prom/refkit.prom\"\ninterval_s = 1\n[providers.fake]\nkind = \"preview\"\n"
                + watchTable("a"),
            to: file)
        let notify = try NotifySocket(dir.url("notify.sock"))
        let log = CapturedLog()
        let daemon = try Daemon.build(
            configuration: try ConfigurationLoader.load(path: file), logger: log.logger, environment: notify.environment)
        let running = RunningDaemon(daemon)
        // One STATUS= per report round: three rounds have failed to write once the fourth starts.
        // (Generous waits: a shared, loaded CPU can hold a one-second round back a long time.)
        for _ in 0..<4 { #expect(await notify.next(startingWith: "STATUS=", timeout: .seconds(60)) != nil) }
        let warnings = {
            log.text.split(separator: "\n").filter { $0.contains("cannot refresh status and metrics") && $0.contains(dir.url("prom")) }
                .count
        }
        #expect(warnings() == 1, "\(log.text)")
        try FileManager.default.createDirectory(atPath: dir.url("prom"), withIntermediateDirectories: true)
        try await eventually("the textfile to be written again") { log.text.contains("status and metrics refreshed again") }
        #expect(FileFixtures.exists(dir.url("prom/refkit.prom")))
        #expect(warnings() == 1)
        try await running.stop()
    }
}
