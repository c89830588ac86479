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
            let summary = try database.statusSummary()
            let pid = StateAccess.daemonPID(configuration)
            let queueDepth = (summary.stagesByStatus["pending"] ?? 0) + (summary.stagesByStatus["running"] ?? 0)
            let lastBatch = try BatchSummaries.last(database: database)
            let openBatches = try database.openCivitaiBatches().count
            let paused = try database.pausedProviders()
            if json {
                let doc = JSONValue.object([
                    ("schema", .string("refkit.status/1")),
                    ("daemon", .object([("running", .bool(pid != nil)), ("pid", pid.map { .integer($0) } ?? .null)])),
                    ("state_dir", .string(configuration.stateDir)),
                    ("queue_depth", .integer(queueDepth)),
                    (
                        "kits",
                        .counts(
                            Dictionary(
                                uniqueKeysWithValues: KitStatus.allCases.map { ($0.rawValue, summary.kitsByStatus[$0.rawValue] ?? 0) }))
                    ),
                    (
                        "stages",
                        .counts(
                            Dictionary(
                                uniqueKeysWithValues: StageStatus.allCases.map { ($0.rawValue, summary.stagesByStatus[$0.rawValue] ?? 0) }))
                    ),
                    (
                        "intake",
                        .counts(
                            Dictionary(
                                uniqueKeysWithValues: ["claimed", "accepted", "duplicate", "rejected"].map {
                                    ($0, summary.claimsByState[$0] ?? 0)
                                }))
                    ),
                    ("sources", .integer(summary.sources)),
                    ("rejected_today", .integer(summary.rejectedToday)),
                    ("spend_today_usd", .number(summary.spendTodayUSD, isInteger: false)),
                    (
                        "paused_providers",
                        .array(
                            paused.map { pause in
                                .object([
                                    ("provider", .string(pause.provider)), ("until", .string(pause.until)), ("capped", .bool(pause.capped)),
                                ])
                            })
                    ),
                    ("civitai", .object([("open_batches", .integer(openBatches)), ("last_batch", lastBatch ?? .null)])),
                ])
                print(doc.pretty)
                return
            }
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
