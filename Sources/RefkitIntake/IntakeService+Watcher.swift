import Foundation
import Logging
import RefkitWatch

extension IntakeService {
    /// Takes a watcher's events in until the watcher ends (its `shutdown()`), the inboxes in
    /// turns (`InboxQueue`), so one inbox's batch does not hold back a drop in another.
    /// `willTake` sees each event before intake handles it and `didTake` after: the composition's
    /// own bookkeeping (the inbox lag metric, systemd's READY, what `once` counts).
    public nonisolated func takeIn(
        from watcher: InboxWatcher, willTake: @escaping @Sendable (InboxEvent) -> Void,
        didTake: @escaping @Sendable (InboxEvent) -> Void
    ) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await watcher.run() }
            let queue = InboxQueue()
            group.addTask {
                for await event in watcher.events { queue.push(event) }
                queue.finish()
            }
            while let event = await queue.next() {
                willTake(event)
                await take(event)
                didTake(event)
            }
        }
    }

    /// One watcher event: a settled file is handled, an inbox paused or resumed is recorded, the rest is logged.
    public nonisolated func take(_ event: InboxEvent) async {
        switch event {
        case .ready(let entry):
            await handle(entry)
        case .undecodableName(let entry):
            await handle(undecodable: entry)
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
    private nonisolated func appendEvent(watch: String, type: String, message: String?) {
        do { try database.appendEvent(watch: watch, type: type, message: message) } catch {
            logger.warning("cannot record an inbox event", metadata: ["watch": "\(watch)", "type": "\(type)", "error": "\(error)"])
        }
    }
}
