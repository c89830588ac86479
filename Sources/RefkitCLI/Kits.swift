import ArgumentParser
import Foundation
import RefkitCore
import RefkitQA
import RefkitStore

extension RefkitCommand {
    struct Kits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List kits with their state and stage progress.",
            discussion: """
                --needs-review lists only the kits with a reference that failed the automatic quality checks \
                (QA kept the best attempt after its last regeneration; the kit is partial), with the failed \
                stages; `refkit show KIT` gives the reasons. With --json each kit carries its "qa" summary \
                (references per verdict, regenerations, QA spend; null when nothing was checked).
                """)

        @OptionGroup var options: GlobalOptions

        @Option(
            help: ArgumentHelp(
                "Only kits in this state (queued, generating, awaiting_selection, complete, partial, failed).", valueName: "state"))
        var status: String?

        @Flag(help: "Only kits with a reference that failed QA (see `refkit show KIT` for the reasons).")
        var needsReview = false

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func validate() throws {
            if let status, KitStatus(rawValue: status) == nil {
                throw ValidationError(
                    "unknown state \"\(status)\"; use one of \(KitStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            let wanted = status.flatMap(KitStatus.init(rawValue:))
            // The store's query decides what needs review; --status narrows it further.
            let kits =
                needsReview
                ? try database.kitsNeedingReview().filter { wanted == nil || $0.status == wanted } : try database.kits(status: wanted)
            if json {
                // The API's list reads: one query for the stages of all the kits, one for their QA spend.
                print(JSONValue.array(try database.kitSummaries(kits)).pretty)
                return
            }
            print(
                "KIT".padding(toLength: 28, withPad: " ", startingAt: 0) + "STATUS              STAGES   WATCH       CREATED"
                    + (needsReview ? "                   FAILED QA" : ""))
            for kit in kits {
                let stages = try database.stages(kitID: kit.id)
                let done = stages.filter { $0.status == .done }.count
                let failed = KitJSON.failedQA(stages).map(\.stage.name)
                print(
                    kit.name.padding(toLength: 27, withPad: " ", startingAt: 0) + " "
                        + kit.status.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
                        + "\(done)/\(stages.count)".padding(toLength: 9, withPad: " ", startingAt: 0)
                        + kit.watch.padding(toLength: 12, withPad: " ", startingAt: 0) + kit.createdAt
                        + (needsReview ? "  " + failed.joined(separator: ", ") : ""))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one kit (by name, slug or id) with per-stage progress.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            guard let record = try database.kit(kit) else {
                throw CLIError(code: 1, message: "no kit named \"\(kit)\" (see `refkit kits`)")
            }
            let stages = try database.stages(kitID: record.id)
            let qa = KitJSON.qaSummary(stages, spendUSD: try database.qaSpend(kitID: record.id))
            if json {
                let source = try record.sourceID.flatMap { try database.source(id: $0) }
                let sources = try database.kitSources(kitID: record.id)
                print(KitJSON.detail(record, stages: stages, source: source, qa: qa, sources: sources).pretty)
                return
            }
            print("kit:      \(record.name)  (\(record.id), folder \(record.slug))")
            print("status:   \(record.status.rawValue)")
            print("watch:    \(record.watch)")
            if let sourceID = record.sourceID, let source = try database.source(id: sourceID) {
                print("source:   \(source.originalName)  \(source.format.mime) \(source.width)x\(source.height)  sha256 \(source.sha256)")
            }
            // Issue 17 item 1: a character made from several sources names the further ones.
            let further = try database.kitSources(kitID: record.id).dropFirst()
            if !further.isEmpty {
                print("sources:  \(further.count + 1): the source, then \(further.map(\.originalName).joined(separator: ", "))")
            }
            if let rating = record.contentRating { print("rating:   \(rating.name)") }
            if let error = record.errorCode { print("error:    \(error): \(record.errorMessage ?? "")") }
            if let locked = record.lockedReference {
                print("locked:   \(locked)  (\(record.lockedHow ?? ""); reference generation \(record.referenceGeneration))")
            }
            if record.status == .awaitingSelection {
                print("waiting:  choose an avatar: \(ShellWord.command(["refkit", "select", record.name])) N")
            }
            print("stages:")
            for stage in stages {
                var line =
                    "  " + stage.stage.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + stage.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                line += " qa " + KitView.qaColumn(stage.qa).padding(toLength: 10, withPad: " ", startingAt: 0)
                line += " attempts \(stage.attempts)"
                if stage.generation > 0 { line += "  generation \(stage.generation)" }
                if stage.durationMs > 0 { line += "  \(stage.durationMs) ms" }
                if stage.costUSD > 0 { line += String(format: "  $%.3f", stage.costUSD) }
                if let code = stage.errorCode { line += "  \(code): \(stage.errorMessage ?? "")" }
                if stage.madeFromEarlierReference(kitGeneration: record.referenceGeneration) {
                    line += "  made from an earlier reference (generation \(stage.referenceGeneration ?? 0))"
                }
                print(line)
            }
            let earlier = stages.filter { $0.madeFromEarlierReference(kitGeneration: record.referenceGeneration) }
            if !earlier.isEmpty {
                let command = ShellWord.command(["refkit", "regenerate", record.name] + earlier.map(\.stage.name))
                print("remake:   \(earlier.count) stage(s) were made from an earlier reference: \(command)")
            }
            if let qa { print("qa:       \(qa.line)") }
            for line in KitView.qaReasons(kit: record, stages: stages) { print(line) }
        }
    }
}
