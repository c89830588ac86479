import Foundation
import RefkitCore
import RefkitService

extension Daemon {
    /// How often a draining stop asks systemd for more time, and how much each time.
    static let stopExtensionStep = Duration.seconds(5)
    static let stopExtensionAhead = Duration.seconds(15)

    /// While a stop drains running stages, tells systemd `EXTEND_TIMEOUT_USEC=` every few
    /// seconds, so `TimeoutStopSec=` does not kill a drain that is making its way to the end.
    /// Bounded: extensions end with the run, and at the latest `drain_timeout_s` + 30 s after the
    /// stop began (the scheduler cancels what still runs at `drain_timeout_s`), so a daemon stuck
    /// in its stop is still killed by systemd.
    func startStopTimeoutExtension() {
        guard notifier.isEnabled else { return }
        let notifier = self.notifier
        let limit = ContinuousClock.now + .seconds(configuration.daemon.drainTimeoutSeconds) + .seconds(30)
        let task = Task {
            while !Task.isCancelled, ContinuousClock.now < limit {
                notifier.extendTimeout(by: Self.stopExtensionAhead)
                do { try await Task.sleep(for: Self.stopExtensionStep) } catch { return }
            }
        }
        let previous = stopTimeoutExtension.withLock { slot -> Task<Void, Never>? in
            defer { slot = task }
            return slot
        }
        previous?.cancel()
    }

    /// Every `summary_interval_s` (an hour by default), a `batch summary` line of that period:
    /// kits finished (complete, partial, failed), references made, sources taken in, spend.
    func periodicSummaries() async {
        var last = await totals()
        var since = Date()
        while true {
            do { try await Task.sleep(for: .seconds(configuration.daemon.summaryIntervalSeconds)) } catch { return }
            let now = await totals()
            let period = now.finished.finished(since: last.finished)
            let finished = { (status: KitStatus) in period[status] ?? 0 }
            let microdollars =
                (try? database.scalar(
                    "SELECT CAST(round(coalesce(sum(cost_usd), 0) * 1000000) AS INTEGER) FROM stages WHERE status = 'done' AND updated_at >= '\(Timestamp.string(since))'"
                )) ?? 0
            let complete = finished(.complete)
            let partial = finished(.partial)
            let failed = finished(.failed)
            logger.notice(
                "batch summary",
                metadata: [
                    "period_s": "\(Int(Date().timeIntervalSince(since).rounded()))", "total": "\(complete + partial + failed)", "complete": "\(complete)",
                    "partial": "\(partial)", "failed": "\(failed)", "references": "\(now.references - last.references)",
                    "accepted": "\(now.accepted - last.accepted)", "rejected": "\(now.rejected - last.rejected)",
                    "spend_usd": "\(String(format: "%.4f", Double(microdollars) / 1e6))",
                ])
            last = now
            since = Date()
        }
    }
}
