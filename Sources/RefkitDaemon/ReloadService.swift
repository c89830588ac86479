import Foundation
import Logging
import RefkitService
import ServiceLifecycle
import UnixSignals

/// The generations service: runs the first generation, hands over to a new one per reload
/// (`reload()`, SIGHUP), and stops them all on a stop (`shutdown()`, the group's graceful shutdown).
///
/// Each generation runs as a child `ServiceGroup` (`GenerationRun`). A reload shuts the running
/// one down gracefully while the new one starts beside it: its intake as soon as the old intake
/// has ended, its scheduler once the old one has drained. `ServiceGroup` alone does not model
/// that overlap, hence the two child groups at once during a hand-over.
///
/// In `once` mode it ends by itself when what the inboxes held is handled (`Daemon+Once.swift`).
struct ReloadService: Service {
    let daemon: Daemon
    let mode: Daemon.Mode
    /// SIGHUP reloads (`.daemon`) or is logged and ignored (`.once`); off in tests.
    let handlesHangups: Bool

    func run() async throws {
        let first = GenerationRun(daemon.generations.latest, after: nil, daemon: daemon)
        _ = daemon.generations.adopt(first)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { helpers in
                helpers.addTask { await stopWhenAsked() }
                if handlesHangups { helpers.addTask { await forwardHangups() } }
                if mode == .once {
                    helpers.addTask {
                        await daemon.waitUntilHandled(first.generation)
                        daemon.shutdown()
                    }
                }
                try await withThrowingDiscardingTaskGroup { runs in
                    runs.addTask { try await first.group.run() }
                    guard mode == .daemon else { return }
                    var current = first
                    // Ends when the stop finishes the request stream. One reload at a time; requests
                    // that arrive during one are folded into the next.
                    for await _ in daemon.reloadRequests {
                        let old = current.generation.configuration
                        guard let next = await daemon.prepareReload(from: current.generation) else { continue }
                        let run = GenerationRun(next, after: current.generation, daemon: daemon)
                        guard daemon.generations.adopt(run) else {
                            daemon.abandonReload()
                            break
                        }
                        runs.addTask { try await run.group.run() }
                        await current.group.triggerGracefulShutdown()
                        current = run
                        // Reached once the old scheduler has drained and the new one runs, or a stop came first.
                        let switched = await next.schedulerStarted.wait() ?? false
                        guard switched, !daemon.isStopping else {
                            daemon.abandonReload()
                            continue
                        }
                        daemon.completeReload(from: old, to: next)
                    }
                }
                // Every generation has ended: the helpers (the stop's timeout extension among them) end too.
                helpers.cancelAll()
            }
        } onGracefulShutdown: {
            if handlesHangups { daemon.logger.notice("signal received, stopping") }
            daemon.shutdown()
        }
    }

    /// The stop: STOPPING=1, no more reloads, every generation shut down gracefully (intake at
    /// once, running stages drain), and systemd's stop timeout extended while they do.
    private func stopWhenAsked() async {
        guard await daemon.stopRequest.wait() != nil, let runs = daemon.generations.beginStop() else { return }
        daemon.notifier.stopping()
        daemon.reloadContinuation.finish()
        for run in runs { await run.group.triggerGracefulShutdown() }
        // The scheduler cancels what still runs at drain_timeout_s; 30 s more covers its cancellation.
        await daemon.notifier.extendTimeoutWhileStopping(for: .seconds(daemon.configuration.daemon.drainTimeoutSeconds + 30))
    }

    private func forwardHangups() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            guard mode == .daemon else {
                daemon.logger.notice("SIGHUP ignored: once does not reload its configuration")
                continue
            }
            daemon.logger.notice("signal received, reloading the configuration", metadata: ["signal": "SIGHUP"])
            daemon.reload()
        }
    }
}
