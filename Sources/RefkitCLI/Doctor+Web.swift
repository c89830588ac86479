import Foundation
import Logging
import RefkitConfig
import RefkitHooks
import RefkitService
import RefkitSystem
import RefkitWeb

extension RefkitCommand.Doctor {
    /// `[web]`: the token file (its mode, or that the first start will make it) and, when no daemon
    /// holds the state directory, that the listen address can be had (a warning otherwise: the daemon
    /// runs without its UI); `[[hook]]`: every secret file reads.
    func checkWebAndHooks(_ report: inout DoctorReport, _ configuration: Configuration) {
        let web = configuration.web
        if !web.enabled {
            report.ok("web UI", "off ([web] enabled = false)")
        } else {
            do {
                if try WebToken.load(at: web.tokenFile) != nil {
                    report.ok("web token", "\(web.tokenFile) (0600)")
                } else {
                    report.ok("web token", "\(web.tokenFile) does not exist yet (made 0600 at the first start)")
                }
            } catch {
                report.fail("web token", "\(error)")
            }
            let running = StateDirectory.lockHolder(StateLayout(root: configuration.stateDir))
            if let pid = running {
                report.ok("web listen", "\(web.listen.authority): the daemon (pid \(pid)) serves it")
            } else {
                do {
                    let probe = try HTTPServer(
                        host: web.listen.host, port: web.listen.port, label: "doctor",
                        logger: Logger(label: "refkit.doctor", factory: { _ in SwiftLogNoOpLogHandler() })
                    ) { _ in HTTPResponse(status: "503 Service Unavailable", body: "") }
                    probe.shutdown()
                    report.ok("web listen", "\(web.listen.authority) is free")
                } catch {
                    // A warning: the daemon serves the inboxes without its UI when the port is taken.
                    report.warn(
                        "web listen",
                        "\(error): another program holds it (the daemon would run without its web UI); "
                            + "set [web] listen to a free port or enabled = false")
                }
            }
        }
        guard !configuration.hooks.isEmpty else { return }
        do {
            _ = try HookSecrets(hooks: configuration.hooks)
            report.ok("hooks", "\(configuration.hooks.count) hook(s), every secret_file reads")
        } catch {
            report.fail("hooks", "\(error)")
        }
    }
}
