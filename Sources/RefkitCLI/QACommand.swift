import ArgumentParser
import Foundation
import Logging
import RefkitCore
import RefkitPipeline

extension RefkitCommand {
    struct QA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qa",
            abstract: "Check a kit's references again (no image is made) and publish the kit with the new verdicts.",
            discussion: """
                Runs the quality checks [qa] names (health, duplicate, mirror, face, identity) on every made \
                reference of the kit, with today's thresholds and models: after changing [qa.thresholds], after \
                installing the face models, or to see why a kit is partial. With --judge it also asks the vision \
                judge ([qa] judge), a paid call per reference within the kit's budgets; without it the judge's \
                earlier answer stands. The verdicts are recorded, and the kit is published again (by the running \
                daemon, or at its next start) as complete or partial accordingly. Nothing is regenerated: use \
                `refkit regenerate KIT STAGE` for a reference that fails.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        @Flag(help: "Also ask the vision judge ([qa] judge): one paid call per reference.")
        var judge = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            if judge, configuration.qa.judge == nil {
                throw ValidationError("--judge needs a judge: set [qa] judge to \"analyzer\" or a provider of kind openai or gemini")
            }
            let database = try StateAccess.open(configuration)
            let logger = Logger(label: "refkit.qa", factory: { _ in SwiftLogNoOpLogHandler() })
            let registry = ProviderRegistry(configuration: configuration, logger: logger)
            let recheck = KitRecheck(configuration: configuration, database: database, registry: registry, logger: logger)
            let (record, changes) = try await KitCommandRunner.runAsync { try await recheck.run(kit: kit, judge: judge) }
            let width = max(5, changes.map(\.stage.name.count).max() ?? 0)
            for change in changes {
                let name = change.stage.name.padding(toLength: width, withPad: " ", startingAt: 0)
                let before = change.before?.rawValue ?? "-"
                let moved = before == change.after.rawValue ? change.after.rawValue : "\(before) -> \(change.after.rawValue)"
                print("\(name)  \(moved)" + (change.summary.isEmpty ? "" : "  \(change.summary)"))
            }
            let failed = changes.filter { $0.after == .fail }.count
            print(
                "\(record.name): \(changes.count) reference(s) checked, \(failed) failed; "
                    + "the kit is published again by the running daemon (or at its next start)")
        }
    }
}
