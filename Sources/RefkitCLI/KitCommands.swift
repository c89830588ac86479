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
                expression:NAME, scene:ID, candidate:N, image:ID-N. A regenerated avatar is a new generation of the locked \
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
            abstract: "Remove a kit, or every finished kit older than DAYS: outbox folder, work files and state.",
            discussion: """
                The original source is removed only when no other kit uses it. Refused while a stage of \
                the kit is being made. With --older-than DAYS instead of KIT: every finished kit (complete, \
                partial, failed) unchanged for more than DAYS days, of every watch or of --watch NAME, the \
                rule of `outbox_retention_days`; it lists them first (--dry-run: only lists). Asks first unless --yes.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Do not ask.")
        var yes = false

        @Option(help: ArgumentHelp("Delete every finished kit unchanged for more than DAYS days (instead of KIT).", valueName: "days"))
        var olderThan: Int?

        @Option(help: ArgumentHelp("With --older-than: only kits of this watch.", valueName: "name"))
        var watch: String?

        @Flag(help: "With --older-than: list the kits that would be deleted, delete nothing.")
        var dryRun = false

        @Argument(help: ArgumentHelp("The kit's name, slug or id.", valueName: "kit"))
        var kit: String?

        func validate() throws {
            guard (kit == nil) != (olderThan == nil) else { throw ValidationError("name a kit or give --older-than DAYS (one of them)") }
            if let days = olderThan, days < 1 { throw ValidationError("--older-than takes a whole number of days, 1 or more") }
            if olderThan == nil, watch != nil || dryRun { throw ValidationError("--watch and --dry-run go with --older-than") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let database = try StateAccess.open(configuration)
            guard let kit else {
                return try deleteOlder(than: olderThan ?? 1, database: database, stateDir: configuration.stateDir)
            }
            guard let record = try database.kit(kit) else {
                throw CLIError(code: 1, message: "kit_unknown: no kit has this id, name or slug: \(kit) (see `refkit kits`)")
            }
            if !yes { try confirm("Delete kit \(record.name) (\(record.id)) and \(record.outboxDir ?? "its state")?") }
            let deleted = try KitCommandRunner.run {
                try KitDeletion.delete(record.id, database: database, stateDir: configuration.stateDir)
            }
            let removed = deleted.removed
            print("\(deleted.kitName): deleted" + (removed.isEmpty ? "" : " (\(removed.joined(separator: ", ")))"))
        }

        /// `--older-than`: the kits `KitExpiry` finds due, listed, then each deleted (a kit made
        /// young or busy again meanwhile is kept); exit 1 when any could not be deleted.
        func deleteOlder(than days: Int, database: RefkitDatabase, stateDir: String) throws {
            let now = Date()
            let due = try KitDeletion.dueKits(database: database, now: now, days: { watch == nil || $0 == watch ? days : nil })
            guard !due.isEmpty else {
                print("no finished kit\(watch.map { " of watch \($0)" } ?? "") is older than \(days) day\(days == 1 ? "" : "s")")
                return
            }
            for kit in due { print("\(kit.name) (\(kit.id)): \(kit.status.rawValue), watch \(kit.watch), last changed \(kit.updatedAt)") }
            if dryRun {
                print("dry run: \(due.count) kit\(due.count == 1 ? "" : "s") would be deleted")
                return
            }
            if !yes { try confirm("Delete these \(due.count) kit\(due.count == 1 ? "" : "s")?") }
            var failed = 0
            for kit in due {
                do {
                    guard let deleted = try KitDeletion.expire(kit, days: days, now: now, database: database, stateDir: stateDir) else {
                        print("\(kit.name): kept (changed since it was listed)")
                        continue
                    }
                    print("\(deleted.kitName): deleted" + (deleted.removed.isEmpty ? "" : " (\(deleted.removed.joined(separator: ", ")))"))
                } catch let error as RefkitError {
                    failed += 1
                    FileHandle.standardError.write(Data("\(kit.name): \(error.code): \(error.message)\n".utf8))
                }
            }
            if failed > 0 { throw CLIError(code: 1, message: "\(failed) of \(due.count) kits not deleted") }
        }

        /// Asks on the terminal; anything but y or yes stops the command.
        func confirm(_ question: String) throws {
            FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else { throw CLIError(code: 1, message: "not deleted") }
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
