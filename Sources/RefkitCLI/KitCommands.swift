import ArgumentParser
import Foundation
import RefkitConfig
import RefkitCore
import RefkitStore
import RefkitSystem
import RefkitWeb

// Kit life-cycle commands. Each is one transaction on the state database, the same one an
// inbox control order runs, so they work alike with or without a running daemon: a daemon
// notices the change within a second and carries on from it.

extension RefkitCommand {
    struct Select: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lock avatar candidate N as the kit's avatar and reference; the kit goes on.",
            discussion: """
                For kits made with "candidates": N and "selection": "manual", which wait in awaiting_selection \
                (see `refkit kits --status awaiting_selection` and the kit's index.html). On a kit whose avatar \
                is already chosen it locks the new one instead: the views made from the earlier reference are \
                marked in `refkit show` and the manifest, and --remake makes them again from the new one. \
                Same as dropping {"kit": "KIT", "select": N} (with "remake": true) into the kit's inbox.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        @Argument(help: ArgumentHelp("The candidate's number (candidates/avatar-N.png).", valueName: "n"))
        var number: Int

        @Flag(help: "Also make again the views made from the earlier locked reference (when re-locking a chosen avatar).")
        var remake = false

        func run() async throws {
            let database = try StateAccess.open(try options.loadConfiguration())
            let result = try KitCommandRunner.run {
                try database.selectCandidate(
                    kit: kit, number: number, how: "selected: candidate \(number) (refkit select)", requireAwaiting: true, remake: remake)
            }
            print("\(result.kitName): \(result.message)")
        }
    }

    struct Regenerate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make stages of a kit again with a new seed (the old file is kept as NAME.prev.png).",
            discussion: """
                The published file stays in place until the new one replaces it; the manifest keeps the attempt \
                history. Stages: avatar, reference_avatar, front, side, back, profile, half_body, full_body, \
                expression:NAME, scene:ID, candidate:N. A regenerated avatar is a new generation of the locked \
                reference: the views made from the earlier one are marked in `refkit show` and the manifest. \
                Same as dropping {"kit": "KIT", "regenerate": ["side"]}.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        @Argument(help: ArgumentHelp("The stages to make again.", valueName: "stage"))
        var stages: [String]

        func validate() throws {
            guard !stages.isEmpty else { throw ValidationError("name at least one stage") }
            _ = try parsedStages()
        }

        /// The named stages, parsed once here at the edge.
        func parsedStages() throws -> [Stage] {
            try stages.map { name in
                guard let stage = Stage(name: name) else {
                    throw ValidationError("\"\(name)\" is not a stage name (avatar, side, expression:smile, scene:beach, ...)")
                }
                return stage
            }
        }

        func run() async throws {
            let database = try StateAccess.open(try options.loadConfiguration())
            let asked = try parsedStages()
            let result = try KitCommandRunner.run { try database.regenerate(kit: kit, stages: asked) }
            print("\(result.kitName): \(result.message): \(result.stages.map(\.name).joined(separator: ", "))")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retry the failed stages of a kit (and those skipped because of them); done stages are untouched.",
            discussion: "Same as dropping {\"kit\": \"KIT\", \"retry\": true} into the kit's inbox.")

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        func run() async throws {
            let database = try StateAccess.open(try options.loadConfiguration())
            let result = try KitCommandRunner.run { try database.retryFailed(kit: kit) }
            print("\(result.kitName): \(result.message): \(result.stages.map(\.name).joined(separator: ", "))")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a kit: its outbox folder, its work files and its state.",
            discussion: """
                The original source is removed only when no other kit uses it. Refused while a stage of \
                the kit is being made. Asks first unless --yes.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Do not ask.")
        var yes = false

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            guard let record = try database.kit(kit) else {
                throw CLIError(code: 1, message: "kit_unknown: no kit has this id, name or slug: \(kit) (see `refkit kits`)")
            }
            if !yes {
                FileHandle.standardError.write(
                    Data("Delete kit \(record.name) (\(record.id)) and \(record.outboxDir ?? "its state")? [y/N] ".utf8))
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else { throw CLIError(code: 1, message: "not deleted") }
            }
            let deleted = try KitCommandRunner.run {
                try KitDeletion.delete(record.id, database: database, stateDir: configuration.stateDir)
            }
            let removed = deleted.removed
            print("\(deleted.kitName): deleted" + (removed.isEmpty ? "" : " (\(removed.joined(separator: ", ")))"))
        }
    }
}

/// Maps a kit command's refusal to a clear message and exit code 1.
enum KitCommandRunner {
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RefkitError {
            throw CLIError(code: 1, message: "\(error.code): \(error.message)" + (error.detail.isEmpty ? "" : " (\(error.detail))"))
        }
    }

    static func runAsync<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RefkitError {
            throw CLIError(code: 1, message: "\(error.code): \(error.message)" + (error.detail.isEmpty ? "" : " (\(error.detail))"))
        }
    }
}
