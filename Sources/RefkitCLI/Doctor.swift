import ArgumentParser
import Foundation
import Logging
import RefkitConfig
import RefkitDaemon
import RefkitHTTP
import RefkitPipeline
import RefkitStore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

extension RefkitCommand {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the configuration, folders, database, credentials, inotify limits, providers, QA models, web UI and hooks.",
            discussion: """
                Each line is ok, warn or FAIL with what was checked. Providers are asked over the network whether \
                their endpoint answers (any HTTP status counts as an answer); --offline skips that. Credentials are \
                reported as present or missing with where they would come from, never shown. Exit status 1 when \
                anything failed.
                """)

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Do not contact the providers.")
        var offline = false

        @Option(help: "Check folder permissions for this user (default: refkit when it exists and doctor runs as root, else you).")
        var user: String?

        @Option(
            help: """
                The systemd unit refkit runs under, to check that its sandbox lets refkit write every folder it needs \
                (default: /etc/systemd/system/refkit.service when it exists).
                """)
        var unit: String?

        func run() async throws {
            let configuration = try options.loadConfiguration()
            var report = DoctorReport()
            report.ok(
                "config", "\(configuration.file) (\(configuration.watches.count) watches, \(configuration.providers.count) providers)")
            let account = ServiceAccount.resolve(user)
            if let name = user, account == nil {
                report.fail("service user", "no user named \(name)")
            }
            let who = account ?? ServiceAccount.current
            checkFolder(&report, "state_dir", configuration.stateDir, for: who)
            let dbPath = StateLayout(root: configuration.stateDir).database
            if FileManager.default.fileExists(atPath: dbPath) {
                do {
                    let database = try RefkitDatabase(path: dbPath)
                    let problems = try database.scalar("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'")
                    if problems > 0 {
                        report.fail(
                            "database",
                            "\(dbPath): PRAGMA integrity_check reports \(problems) problem(s); restore from a backup or see `sqlite3 "
                                + "\(dbPath) 'PRAGMA integrity_check'`"
                        )
                    } else {
                        report.ok(
                            "database", "\(dbPath) (integrity ok; migrations: \(try database.appliedMigrations().joined(separator: ", ")))")
                    }
                } catch {
                    report.fail("database", "\(dbPath): \(error)")
                }
            } else {
                report.warn("database", "\(dbPath) does not exist yet (created at the first run)")
            }
            var folders = 0
            for watch in configuration.watches {
                checkFolder(&report, "watch \(watch.name) inbox", watch.inbox, for: who)
                checkFolder(&report, "watch \(watch.name) outbox", watch.outbox, for: who)
                checkFolder(&report, "watch \(watch.name) rejected", watch.rejected, for: who)
                folders += watch.recursive ? countFolders(watch.inbox) : 1
            }
            checkMetricsTextfile(&report, configuration, for: who)
            checkWebAndHooks(&report, configuration)
            checkSandbox(&report, configuration)
            let inotify = InotifyLimits.read()
            if inotify.maxUserWatches > 0, folders * 10 > inotify.maxUserWatches * 8 {
                report.warn(
                    "inotify watches", "\(folders) folders to watch, fs.inotify.max_user_watches is \(inotify.maxUserWatches): raise it")
            } else {
                report.ok("inotify watches", "\(folders) folders to watch, fs.inotify.max_user_watches \(inotify.maxUserWatches)")
            }
            // refkit uses one inotify instance (two for a moment during a reload).
            let inUse = InotifyLimits.instancesInUse(uid: who.uid)
            if inotify.maxUserInstances > 0, inUse + 2 > inotify.maxUserInstances {
                report.fail(
                    "inotify instances",
                    "\(inUse) in use by \(who.name) of fs.inotify.max_user_instances \(inotify.maxUserInstances); refkit needs 1 more: "
                        + "raise it"
                )
            } else {
                report.ok("inotify instances", "\(inUse) in use by \(who.name), fs.inotify.max_user_instances \(inotify.maxUserInstances)")
            }
            let logger = Logger(label: "refkit.doctor", factory: { _ in SwiftLogNoOpLogHandler() })
            let registry = ProviderRegistry(configuration: configuration, logger: logger)
            if configuration.analyzer != nil {
                if let why = registry.analyzerUnavailable {
                    report.fail("analyzer", why)
                } else {
                    report.ok("analyzer", "credential present")
                }
            }
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
                    let response = try await registry.http.send(
                        HTTPRequest(url: url, timeout: .seconds(10), connectTimeout: .seconds(5), maxResponseBytes: 1 << 20))
                    report.ok("provider \(name) endpoint", "\(url) answered HTTP \(response.status)")
                    await checkComfyWorkflow(&report, name, entry)
                } catch {
                    report.fail("provider \(name) endpoint", "\(url): \(error.code): \(error.message)")
                }
            }
            checkQA(&report, configuration, registry: registry)
            for endpoint in configuration.clearTextEndpoints {
                // Accepted only because plain_http_hosts lists the host: say what that costs.
                report.warn(
                    "plain http",
                    "\(endpoint.key) = \(endpoint.url): credentials cross the network in clear text"
                        + " (\(endpoint.host) is in plain_http_hosts)")
            }
            for advice in configuration.concurrencyAdvice { report.warn("concurrency", advice) }
            print(report.lines.joined(separator: "\n"))
            if report.failed { throw ExitCode(1) }
        }

        func checkFolder(_ report: inout DoctorReport, _ what: String, _ path: String, for account: ServiceAccount) {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                // refkit creates it at start-up: the nearest existing parent must let it.
                var parent = (path as NSString).deletingLastPathComponent
                while !FileManager.default.fileExists(atPath: parent), parent != "/" {
                    parent = (parent as NSString).deletingLastPathComponent
                }
                if let denied = account.denied(parent, want: [.write, .search]) {
                    report.fail(what, "\(path) does not exist and \(account.name) cannot create it (\(denied))")
                } else {
                    report.warn(what, "\(path) does not exist (created at start-up)")
                }
            } else if !isDir.boolValue {
                report.fail(what, "\(path) is not a folder")
            } else if let denied = account.denied(path, want: [.read, .write, .search]) {
                report.fail(what, "\(path) is not usable by \(account.name): \(denied)")
            } else {
                report.ok(what, "\(path) (usable by \(account.name))")
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
