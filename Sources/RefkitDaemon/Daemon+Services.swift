import Foundation
import Logging
import RefkitService
import RefkitWeb
import ServiceLifecycle

extension Daemon {
    /// The daemon's one `ServiceGroup`, which `run` runs: the operations services (metrics
    /// server, status report, systemd watchdog, kits waiting for space, periodic summaries,
    /// janitor, kit expiry, hooks; `.daemon` only), the database guard and, last, the generations service.
    /// A graceful shutdown ends them in reverse: the generations drain first, and the report,
    /// watchdog and metrics go on until they have. `handlingSignals`: SIGTERM and SIGINT are the
    /// group's graceful shutdown signals, and SIGHUP reloads.
    public func serviceGroup(mode: Mode, handlingSignals: Bool) throws -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        func loop(_ name: String, _ body: @escaping @Sendable () async -> Void) {
            services.append(.init(service: DaemonLoop(body: body), serviceName: name))
        }
        if mode == .daemon {
            if let server = try startMetricsServer() {
                let loop = DaemonLoop(body: { await server.run() }, afterwards: { server.shutdown() })
                services.append(.init(service: loop, serviceName: "metrics"))
            }
            if let web = startWebServer() {
                // A check again (the web's `refkit qa`) still running records its verdicts before the stop goes on.
                let body: @Sendable () async -> Void = {
                    await web.run()
                    await web.qaChecks?.finish()
                }
                let loop = DaemonLoop(body: body, afterwards: { web.shutdown() })
                services.append(.init(service: loop, serviceName: "web"))
            }
            loop("report") { await self.report() }
            if let pinger = WatchdogPinger(notifier: notifier, logger: logger, isHealthy: { await self.currentScheduler.isResponsive() }) {
                loop("watchdog") { await pinger.run() }
            }
            loop("waiting-kits") { await self.publishWaitingKits() }
            loop("summaries") { await self.periodicSummaries() }
            loop("janitor") { await self.janitor.run() }
            loop("kit-expiry") { await self.expireKitsDaily() }
            let hooks = try hookDispatcher()
            loop("hooks") { await hooks.run() }
        }
        loop("database-guard") { await self.guardDatabase() }
        // Its end (a stop, or `once` done) shuts the rest of the group down.
        services.append(
            .init(
                service: ReloadService(daemon: self, mode: mode, handlesHangups: handlingSignals),
                successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "generations"))
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: lifecycleLogger))
    }

    /// The web UI's server where `[web]` says, if enabled. A listener that cannot be had (the port
    /// taken by another daemon) is an error in the log, not a stop: the inboxes are still served.
    func startWebServer() -> WebServer? {
        guard configuration.web.enabled else { return nil }
        do {
            let web = try WebServer(
                configuration: configuration, current: { self.configuration }, database: database, daemonPID: Int(getpid()), logger: logger,
                qaChecks: webQAChecks())
            logger.info("serving the web UI", metadata: ["url": "\(web.origin)/", "login": "`refkit web-url` prints the login link"])
            return web
        } catch {
            logger.error(
                "the web UI is not served", metadata: ["error": "\(error)", "hint": "set [web] listen to a free port, or enabled = false"])
            return nil
        }
    }

    /// For the service groups' own lines, which are about their mechanics (debug and trace):
    /// shown from `log_level = "debug"` on like the daemon's other details.
    var lifecycleLogger: Logger {
        var logger = self.logger
        logger[metadataKey: "component"] = "lifecycle"
        return logger
    }
}

/// A loop of the daemon as a `Service`: `body` runs until the group's graceful shutdown cancels
/// it (every loop ends on cancellation: its sleeps throw), then `afterwards` cleans up.
struct DaemonLoop: Service {
    let body: @Sendable () async -> Void
    var afterwards: @Sendable () -> Void = {}

    func run() async {
        await cancelWhenGracefulShutdown { await body() }
        // A loop that is done early: the database guard, after it asked for the stop.
        await stayUntilGroupShutdown()
        afterwards()
    }
}

/// A service done early stays until the group's graceful shutdown reaches it: one that ended
/// before would cancel the whole group.
func stayUntilGroupShutdown() async {
    guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
    // Throws only when the task is cancelled, which ends the wait as the shutdown would.
    do { try await gracefulShutdown() } catch { return }
}
