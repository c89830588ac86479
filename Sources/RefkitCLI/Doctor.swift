import ArgumentParser
import Foundation
import Logging
import RefkitConfig
import RefkitDaemon
import RefkitHTTP
import RefkitStore

#if canImport(Glibc)
import Glibc
#endif

extension RefkitCommand {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the configuration, folders, database, credentials, inotify limits and providers.",
            discussion: """
                Each line is ok, warn or FAIL with what was checked. Providers are asked over the network whether \
                their endpoint answers (any HTTP status counts as an answer); --offline skips that. Credentials are \
                reported as present or missing with where they would come from, never shown. Exit status 1 when \
                anything failed.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Do not contact the providers.")
        var offline = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            var report = DoctorReport()
            report.ok("config", configuration.file)
            checkFolder(&report, "state_dir", configuration.stateDir)
            let dbPath = "\(configuration.stateDir)/refkit.sqlite"
            if FileManager.default.fileExists(atPath: dbPath) {
                do {
                    let database = try RefkitDatabase(path: dbPath)
                    report.ok("database", "\(dbPath) (migrations: \(try database.appliedMigrations().joined(separator: ", ")))")
                } catch {
                    report.fail("database", "\(dbPath): \(error)")
                }
            } else {
                report.warn("database", "\(dbPath) does not exist yet (created at the first run)")
            }
            var folders = 0
            for watch in configuration.watches {
                checkFolder(&report, "watch \(watch.name) inbox", watch.inbox)
                checkFolder(&report, "watch \(watch.name) outbox", watch.outbox)
                checkFolder(&report, "watch \(watch.name) rejected", watch.rejected)
                folders += watch.recursive ? countFolders(watch.inbox) : 1
            }
            let limit = Int((try? String(contentsOfFile: "/proc/sys/fs/inotify/max_user_watches", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            if limit > 0, folders * 10 > limit * 8 {
                report.warn("inotify", "\(folders) folders to watch, fs.inotify.max_user_watches is \(limit): raise it")
            } else {
                report.ok("inotify", "\(folders) folders to watch, fs.inotify.max_user_watches \(limit)")
            }
            let logger = Logger(label: "refkit.doctor", factory: { _ in SwiftLogNoOpLogHandler() })
            let registry = ProviderRegistry(configuration: configuration, logger: logger)
            for name in registry.entries.keys.sorted() {
                let entry = registry.entries[name]!
                if let why = entry.unavailable {
                    report.fail("provider \(name)", "\(entry.config.kind): \(why)")
                    continue
                }
                report.ok("provider \(name)", "\(entry.config.kind), credential: \(entry.credentialSource)")
                guard !offline, entry.config.kind != "preview" else { continue }
                let url = entry.config.baseURL ?? ProviderRegistry.defaultBaseURLs[entry.config.kind] ?? ""
                do {
                    let response = try await registry.http.send(HTTPRequest(url: url, timeout: .seconds(10), connectTimeout: .seconds(5), maxResponseBytes: 1 << 20))
                    report.ok("provider \(name) endpoint", "\(url) answered HTTP \(response.status)")
                } catch {
                    report.fail("provider \(name) endpoint", "\(url): \(error.code): \(error.message)")
                }
            }
            print(report.lines.joined(separator: "\n"))
            if report.failed { throw ExitCode(1) }
        }

        func checkFolder(_ report: inout DoctorReport, _ what: String, _ path: String) {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                report.warn(what, "\(path) does not exist (created at start-up)")
            } else if !isDir.boolValue {
                report.fail(what, "\(path) is not a folder")
            } else if access(path, W_OK | X_OK) != 0 {
                report.fail(what, "\(path) is not writable by this user")
            } else {
                report.ok(what, path)
            }
        }

        func countFolders(_ root: String) -> Int {
            var count = 1
            let enumerator = FileManager.default.enumerator(atPath: root)
            while let item = enumerator?.nextObject() as? String {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: "\(root)/\(item)", isDirectory: &isDir), isDir.boolValue { count += 1 }
            }
            return count
        }
    }
}

struct DoctorReport {
    var lines: [String] = []
    var failed = false
    mutating func ok(_ what: String, _ detail: String) { lines.append("ok    \(what): \(detail)") }
    mutating func warn(_ what: String, _ detail: String) { lines.append("warn  \(what): \(detail)") }
    mutating func fail(_ what: String, _ detail: String) {
        failed = true
        lines.append("FAIL  \(what): \(detail)")
    }
}
