import Foundation
import Logging
import RefkitService

extension Daemon {
    /// Every `[metrics] interval_s`: gauges from the store, systemd's STATUS line, the textfile.
    func report() async {
        var counted = (accepted: 0, rejected: 0, duplicate: 0)
        // A lasting failure (a read-only textfile folder) is logged when it starts or changes, not every interval.
        var failing: String?
        while !Task.isCancelled {
            let totals = await generations.totals()
            let now = (accepted: totals.accepted, rejected: totals.rejected, duplicate: totals.duplicates)
            metrics.intake.increment(by: Double(now.accepted - counted.accepted), labels: ["outcome": "accepted"])
            metrics.intake.increment(by: Double(now.rejected - counted.rejected), labels: ["outcome": "rejected"])
            metrics.intake.increment(by: Double(now.duplicate - counted.duplicate), labels: ["outcome": "duplicate"])
            counted = now
            do {
                let summary = try database.statusSummary()
                metrics.setKits(summary.kitsByStatus)
                metrics.queueDepth.set(Double(summary.stagesByStatus["pending"] ?? 0))
                let paused = Dictionary(try database.pausedProviders().map { ($0.provider, $0.secondsLeft()) }, uniquingKeysWith: max)
                for provider in configuration.providers.keys {
                    metrics.providerPaused.set(paused[provider] ?? 0, labels: ["provider": provider])
                }
                let running = summary.kitsByStatus["generating"] ?? 0
                notifier.status(
                    "queued \(summary.stagesByStatus["pending"] ?? 0) stages, running \(running) kits, awaiting selection "
                        + "\(summary.kitsByStatus["awaiting_selection"] ?? 0), failed today \(summary.rejectedToday) rejected, "
                        + "spend today $\(String(format: "%.2f", summary.spendTodayUSD))")
                try writeMetricsTextfile()
                if failing != nil { logger.notice("status and metrics refreshed again") }
                failing = nil
            } catch {
                if failing != "\(error)" { logger.warning("cannot refresh status and metrics", metadata: ["error": "\(error)"]) }
                failing = "\(error)"
            }
            do { try await Task.sleep(for: .seconds(configuration.metrics.intervalSeconds)) } catch { return }
        }
    }

    /// Kits whose publish met a full or unwritable outbox wait (KitPublisher.waitToPublish) and are
    /// published again every `disk_full_retry_s`, so they complete on their own once it is writable.
    func publishWaitingKits() async {
        // A store that cannot be read is logged once per failure spell; the next round asks again.
        var failing = false
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(configuration.daemon.diskFullRetrySeconds)) } catch { return }
            let waiting: Int
            do {
                waiting = try database.kitsReadyToFinish().count
                failing = false
            } catch {
                if !failing { logger.warning("cannot read the kits waiting for space", metadata: ["error": "\(error)"]) }
                failing = true
                continue
            }
            guard waiting > 0 else { continue }
            let still = await currentScheduler.finishWaitingKits()
            logger.info("published kits that waited for space", metadata: ["tried": "\(waiting)", "still_waiting": "\(still)"])
        }
    }

    func writeMetricsTextfile() throws {
        guard let path = configuration.metrics.textfile else { return }
        try MetricsTextfileWriter(path: path).write(metrics.registry)
    }

    /// Serves `/metrics` where `[metrics] listen` says, if it does.
    func startMetricsServer() throws -> MetricsHTTPServer? {
        guard let (host, port) = configuration.metrics.listenAddress else { return nil }
        let server = try MetricsHTTPServer(host: host, port: port, registry: metrics.registry, logger: logger)
        server.start()
        logger.info("serving metrics", metadata: ["url": "\(server.url)"])
        return server
    }
}
