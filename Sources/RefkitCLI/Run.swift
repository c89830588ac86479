import ArgumentParser
import Dispatch
import Foundation
import RefkitCivitai
import RefkitCore
import RefkitDaemon

#if canImport(Glibc)
import Glibc
#endif

extension RefkitCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: watch the inboxes and process what arrives, until SIGTERM or SIGINT.",
            discussion: """
                At start-up every inbox is rescanned, so files dropped while refkit was down are taken. \
                SIGTERM or SIGINT stops intake, lets running stages finish (up to drain_timeout_s) and exits cleanly. \
                SIGHUP re-reads the configuration file: watches, providers and limits change without dropping work; \
                a file with an error is logged and the running configuration kept. Run it under systemd (see systemd/refkit.service).
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
    } catch let error as RefkitError where error.code.hasPrefix("database_") {
        throw CLIError(code: 74, message: "cannot start: \(error)")
    } catch {
        throw CLIError(code: 73, message: "cannot start: \(error)")
    }
    let signals = SignalWatch { signal in
        if signal == "SIGHUP" {
            guard mode == .daemon else {
                logger.notice("SIGHUP ignored: once does not reload its configuration")
                return
            }
            logger.notice("signal received, reloading the configuration", metadata: ["signal": "\(signal)"])
            daemon.reload()
            return
        }
        logger.notice("signal received, stopping", metadata: ["signal": "\(signal)"])
        daemon.shutdown()
    }
    defer { withExtendedLifetime(signals) {} }
    let summaries = BatchSummaryService(
        events: daemon.pipelineEvents, database: daemon.database, stateDirectory: configuration.stateDir, logger: logger)
    let summarising = Task { await summaries.run() }
    let outcome: Result<Daemon.Summary, any Error>
    do {
        outcome = .success(try await daemon.run(mode))
    } catch {
        outcome = .failure(error)
    }
    // The batches that the run's last kits completed are summarised before the command returns.
    daemon.pipelineEvents.finish()
    await summarising.value
    let summary: Daemon.Summary
    do {
        summary = try outcome.get()
    } catch let error as RefkitError where error.code.hasPrefix("database_") {
        // The database vanished or is damaged under the daemon (EX_IOERR).
        throw CLIError(code: 74, message: "stopped: \(error)")
    }
    if mode == .once, (summary.kits[.failed] ?? 0) > 0 {
        throw CLIError(code: 1, message: "\(summary.kits[.failed]!) kit(s) failed; see `refkit kits --status failed`")
    }
    if mode == .once, summary.waitingForSpace > 0 {
        // Made but not published: the next run or once publishes them when space is free.
        throw CLIError(code: 1, message: "\(summary.waitingForSpace) kit(s) wait for space in the outbox (disk_full); free space and run again")
    }
}

/// Turns SIGTERM and SIGINT (stop) and SIGHUP (reload) into a callback (dispatch sources, not
/// async-signal handlers).
final class SignalWatch: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(_ handler: @escaping @Sendable (String) -> Void) {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(name) }
            source.resume()
            sources.append(source)
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}
