import Foundation
import RefkitConfig

extension RefkitCommand.Doctor {
    /// Where systemd installs the shipped unit; checked when `--unit` is not given and it exists.
    static let installedUnit = "/etc/systemd/system/refkit.service"

    /// The textfile's folder belongs to node_exporter: refkit does not create it, and must be able to write it.
    func checkMetricsTextfile(_ report: inout DoctorReport, _ configuration: Configuration, for account: ServiceAccount) {
        guard let textfile = configuration.metrics.textfile else { return }
        let folder = (textfile as NSString).deletingLastPathComponent
        if FileManager.default.fileExists(atPath: folder) {
            checkFolder(&report, "[metrics] textfile folder", folder, for: account)
        } else {
            report.warn("[metrics] textfile folder", "\(folder) does not exist (refkit does not create it; is node_exporter installed?)")
        }
    }

    /// Every folder refkit writes must be writable inside the unit's sandbox: a folder the unit
    /// leaves read-only passes the permission checks and then fails in `run` (the metrics
    /// textfile warned every `interval_s`, for ever).
    func checkSandbox(_ report: inout DoctorReport, _ configuration: Configuration) {
        guard let file = unit ?? (FileManager.default.fileExists(atPath: Self.installedUnit) ? Self.installedUnit : nil) else { return }
        let sandbox: UnitSandbox
        do {
            sandbox = try UnitSandbox(unitFile: file)
        } catch {
            report.fail("unit sandbox", "cannot read \(file): \(error)")
            return
        }
        guard sandbox.writable != nil else {
            report.ok("unit sandbox", "\(file) does not make the system read-only")
            return
        }
        var written: [(what: String, path: String)] = [("state_dir", configuration.stateDir)]
        for watch in configuration.watches {
            written += [("watch \(watch.name) inbox", watch.inbox), ("watch \(watch.name) outbox", watch.outbox)]
            written.append(("watch \(watch.name) rejected", watch.rejected))
        }
        if let textfile = configuration.metrics.textfile {
            written.append(("[metrics] textfile", (textfile as NSString).deletingLastPathComponent))
        }
        var blocked = 0
        for (what, path) in written where !sandbox.allowsWriting(path) {
            blocked += 1
            report.fail(
                "unit sandbox",
                "\(what) \(path) is read-only inside \(file) (ProtectSystem=strict): add it to ReadWritePaths= "
                    + "(systemctl edit refkit) or change the configuration")
        }
        if blocked == 0 { report.ok("unit sandbox", "every folder refkit writes is writable inside \(file)") }
    }
}
