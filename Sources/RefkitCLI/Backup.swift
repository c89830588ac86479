import ArgumentParser
import Foundation
import RefkitCore
import RefkitStore

extension RefkitCommand {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the state database to a file, consistently, while the daemon runs.",
            discussion: """
                Writes one self-contained SQLite file: a snapshot of refkit.sqlite taken in one read transaction \
                (the running daemon neither waits nor shows through half-done), checked with PRAGMA \
                integrity_check, synced, and only then given its name. DEST is a file, or a folder (ending in / or \
                existing) where the backup is named refkit-YYYYMMDDTHHMMSSZ.sqlite (UTC); --keep N then removes \
                all but the newest N such files there. An existing file DEST is replaced only with --force. \
                The outboxes and the state directory's work/ and originals/ folders are not in it: back them up \
                as files. To restore: stop the daemon, copy the backup over STATE_DIR/refkit.sqlite (removing \
                refkit.sqlite-wal and -shm), start it. Exit 73 when DEST cannot be written, 74 when the store \
                cannot be read or the copy fails its check.
                """)

        @OptionGroup var options: GlobalOptions

        @Argument(help: ArgumentHelp("Where to write: a file, or a folder (then a dated name).", valueName: "dest"))
        var destination: String

        @Option(help: ArgumentHelp("With a folder: keep only the newest N backups there (N >= 1).", valueName: "n"))
        var keep: Int?

        @Flag(help: "Replace DEST when it is an existing file.")
        var force = false

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func validate() throws {
            if let keep, keep < 1 { throw ValidationError("--keep must be 1 or more (it counts the new backup)") }
        }

        func run() async throws {
            let configuration = try options.loadConfiguration()
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder)
            let folder = destination.hasSuffix("/") || (exists && isFolder.boolValue)
            if keep != nil, !folder { throw ValidationError("--keep needs DEST to be a folder, where the dated backups are") }
            if folder, !exists { throw CLIError(code: 73, message: "cannot write the backup: the folder \(destination) does not exist") }
            let directory = destination.hasSuffix("/") ? String(destination.dropLast()) : destination
            let path = folder ? "\(directory)/\(BackupRotation.fileName(at: Date()))" : destination
            if !folder, exists, !force { throw CLIError(code: 73, message: "\(destination) exists: pass --force to replace it") }

            let database = try StateAccess.open(configuration, readOnly: true)
            let started = ContinuousClock.now
            let report: BackupReport
            do {
                report = try database.backup(to: path)
            } catch {
                throw CLIError(code: error.code == .backupUnwritable ? 73 : 74, message: "\(error)")
            }
            let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
            var removed: [String] = []
            if let keep, folder {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                for name in BackupRotation.toRemove(names: names, keep: keep) {
                    let old = "\(directory)/\(name)"
                    do {
                        try FileManager.default.removeItem(atPath: old)
                        removed.append(old)
                    } catch {
                        FileHandle.standardError.write(Data("refkit backup: cannot remove the old backup \(old): \(error)\n".utf8))
                    }
                }
            }
            if json {
                let doc = JSONValue.object([
                    ("path", .string(report.path)), ("bytes", .integer(Int(report.bytes))), ("kits", .integer(report.kits)),
                    ("schema", .string(report.schema)), ("duration_ms", .integer(ms)), ("removed", .array(removed.map(JSONValue.string))),
                ])
                print(doc.pretty)
                return
            }
            let mib = String(format: "%.1f", Double(report.bytes) / 1_048_576)
            print(
                "backed up \(database.path) to \(report.path): \(report.kits) kit(s), schema \(report.schema), \(mib) MiB, "
                    + "integrity ok, \(ms) ms")
            for old in removed { print("removed the older backup \(old)") }
        }
    }
}
