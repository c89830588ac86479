import Foundation
import Logging
import RefkitIntake
import RefkitWatch

extension Daemon {
    /// One watcher event of `generation`: a settled file goes to its intake, the rest is logged.
    func handle(_ event: InboxEvent, generation: Generation) async {
        switch event {
        case .ready(let entry):
            // Inbox lag: from the file's last change (its arrival, as far as the filesystem tells) to its intake.
            let lag = max(0, Date().timeIntervalSince1970 - Double(entry.mtimeNanos) / 1e9)
            metrics.inboxLag.set(lag, labels: ["watch": entry.watch])
            await generation.intake.handle(entry)
        case .rootPaused(let root, let reason):
            logger.critical(
                "inbox paused: its folder is gone or was replaced; nothing is deleted",
                metadata: ["watch": "\(root)", "reason": "\(reason)"])
            appendEvent(watch: root, type: "watch_paused", message: reason)
        case .rootResumed(let root):
            logger.notice("inbox resumed", metadata: ["watch": "\(root)"])
            appendEvent(watch: root, type: "watch_resumed", message: nil)
        case .rescanned(let root, let reason, let entries):
            logger.info("inbox rescanned", metadata: ["watch": "\(root)", "reason": "\(reason.rawValue)", "entries": "\(entries)"])
            if reason == .startup, generation.number == 1 {
                // READY=1 once the store is open and every inbox's start-up rescan is queued.
                let all = startupRescans.withLock { n -> Bool in
                    n += 1
                    return n == generation.configuration.watches.count
                }
                if all { notifier.ready() }
            }
        case .undecodableName(let entry):
            await generation.intake.handle(undecodable: entry)
        case .modeChosen(let root, let mode, let reason):
            logger.log(
                level: mode == .poll ? .notice : .info, "inbox watch mode chosen",
                metadata: ["watch": "\(root)", "mode": "\(mode.rawValue)", "reason": "\(reason)"])
        case .watchLimit(let folders, let limit):
            logger.warning(
                "inbox folders come close to the inotify watch limit; raise fs.inotify.max_user_watches",
                metadata: ["folders": "\(folders)", "limit": "\(limit)"])
        }
    }

    /// The pause is logged above either way; the store's event list is a convenience for `refkit status`.
    private func appendEvent(watch: String, type: String, message: String?) {
        do { try database.appendEvent(watch: watch, type: type, message: message) } catch {
            logger.warning("cannot record an inbox event", metadata: ["watch": "\(watch)", "type": "\(type)", "error": "\(error)"])
        }
    }
}
