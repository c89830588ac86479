import Foundation
import RefkitCore

extension Daemon {
    /// Every `summary_interval_s` (an hour by default), a `batch summary` line of that period:
    /// kits finished (complete, partial, failed), references made, sources taken in, spend.
    func periodicSummaries() async {
        var last = await generations.totals()
        var since = Date()
        while true {
            do { try await Task.sleep(for: .seconds(configuration.daemon.summaryIntervalSeconds)) } catch { return }
            let now = await generations.totals()
            let period = now.finished.finished(since: last.finished)
            let finished = { (status: KitStatus) in period[status] ?? 0 }
            let microdollars: Int
            do { microdollars = try database.spendMicrodollars(ofStagesDoneSince: since) } catch {
                logger.warning("cannot read the period's spend; the summary shows 0", metadata: ["error": "\(error)"])
                microdollars = 0
            }
            let complete = finished(.complete)
            let partial = finished(.partial)
            let failed = finished(.failed)
            logger.notice(
                "batch summary",
                metadata: [
                    "period_s": "\(Int(Date().timeIntervalSince(since).rounded()))", "total": "\(complete + partial + failed)",
                    "complete": "\(complete)", "partial": "\(partial)", "failed": "\(failed)",
                    "references": "\(now.references - last.references)",
                    "accepted": "\(now.accepted - last.accepted)", "rejected": "\(now.rejected - last.rejected)",
                    "spend_usd": "\(String(format: "%.4f", Double(microdollars) / 1e6))",
                ])
            last = now
            since = Date()
        }
    }
}
