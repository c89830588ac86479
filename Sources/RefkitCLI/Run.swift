import ArgumentParser
import Foundation
import RefkitCivitai
import RefkitCore
import RefkitDaemon

extension RefkitCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: watch the inboxes and process what arrives, until SIGTERM or SIGINT.",
            discussion: """
                At start-up every inbox is rescanned, so files dropped while refkit was down are taken. \
                SIGTERM or SIGINT stops intake, lets running stages finish (up to drain_timeout_s) and exits cleanly. \
                SIGHUP re-reads the configuration file: watches, providers and limits change without dropping work; \
                a file with an error is logged and the running configuration kept. Run it under systemd (see systemd/refkit.service). \
                It also serves the web UI and JSON API on [web] listen (default http://127.0.0.1:8642/; `refkit web-url` prints \
                the login link) and runs the [[hook]] notifications.
                """)

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await runDaemon(options: options, mode: .daemon)
        }
    }

    struct Once: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Process what is in the inboxes now, wait until it is handled, and exit.",
            discussion: "Exit status 0 when nothing failed, 1 when something did, 78 for a configuration error.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await runDaemon(options: options, mode: .once)
        }
    }
}

func runDaemon(options: GlobalOptions, mode: Daemon.Mode) async throws {
    let configuration = try options.loadConfiguration()
    let logger = options.makeLogger(configuration)
    let daemon: Daemon
    do {
        daemon = try Daemon.build(configuration: configuration, logger: logger)
    } catch let error as RefkitError where error.code.family == "database" {
        throw CLIError(code: 74, message: "cannot start: \(error)")
    } catch {
        throw CLIError(code: 73, message: "cannot start: \(error)")
    }
    let summaries = BatchSummaryService(
        events: daemon.pipelineEvents, database: daemon.database, stateDirectory: configuration.stateDir, logger: logger)
    // The batches that the run's last kits completed are summarised before the command returns:
    // the summaries end when the run's events do.
    let outcome = await withTaskGroup(of: Void.self) { group -> Result<Daemon.Summary, any Error> in
        group.addTask { await summaries.run() }
        defer { daemon.pipelineEvents.finish() }
        do { return .success(try await daemon.run(mode, handlingSignals: true)) } catch { return .failure(error) }
    }
    let summary: Daemon.Summary
    do {
        summary = try outcome.get()
    } catch let error as RefkitError where error.code.family == "database" {
        // The database vanished or is damaged under the daemon (EX_IOERR).
        throw CLIError(code: 74, message: "stopped: \(error)")
    }
    if mode == .once, (summary.kits[.failed] ?? 0) > 0 {
        throw CLIError(code: 1, message: "\(summary.kits[.failed]!) kit(s) failed; see `refkit kits --status failed`")
    }
    if mode == .once, summary.waitingForSpace > 0 {
        // Made but not published: the next run or once publishes them when space is free.
        throw CLIError(
            code: 1, message: "\(summary.waitingForSpace) kit(s) wait for space in the outbox (disk_full); free space and run again")
    }
}
