import ArgumentParser
import Foundation
import RefkitCivitai
import RefkitCore
import RefkitStore

extension RefkitCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the queue, kits by state, intake counts and today's spend.",
            discussion: "Safe to run while the daemon works. --json prints the document described in the README (schema refkit.status/1).")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            let pid = StateAccess.daemonPID(configuration)
            let lastBatch = try BatchSummaries.last(database: database)
            if json {
                let doc = try StatusJSON.document(
                    database: database, stateDir: configuration.stateDir, daemonPID: pid, lastBatch: lastBatch)
                print(doc.pretty)
                return
            }
            // The document reads these itself; the text needs them here.
            let summary = try database.statusSummary()
            let queueDepth = StatusJSON.queueDepth(summary)
            let openBatches = try database.openCivitaiBatches().count
            let paused = try database.pausedProviders()
            print("daemon:        \(pid.map { "running (pid \($0))" } ?? "not running")")
            print("state:         \(configuration.stateDir)")
            print("queue depth:   \(queueDepth) stages")
            let kits = KitStatus.allCases.map { "\($0.rawValue) \(summary.kitsByStatus[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            print("kits:          \(kits)")
            print(
                "intake:        accepted \(summary.claimsByState["accepted"] ?? 0), duplicate \(summary.claimsByState["duplicate"] ?? 0),"
                    + " rejected \(summary.claimsByState["rejected"] ?? 0) (today \(summary.rejectedToday))"
            )
            print("sources:       \(summary.sources)")
            print("spend today:   $\(String(format: "%.2f", summary.spendTodayUSD))")
            for pause in paused {
                let note = pause.capped ? " (its Retry-After was capped at max_retry_after_s)" : ""
                print("provider:      \(pause.provider) paused until \(pause.until) after a Retry-After\(note)")
            }
            if let lastBatch {
                let finished = lastBatch["finished_at"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "?"
                print(
                    "civitai:       \(BatchSummary.line(lastBatch)) (finished "
                        + "\(finished))\(openBatches > 0 ? "; \(openBatches) batch(es) in progress" : "")"
                )
            } else if openBatches > 0 {
                print("civitai:       \(openBatches) batch(es) in progress")
            }
        }
    }
}
