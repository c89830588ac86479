import Foundation
import RefkitWatch

extension Daemon {
    /// Before intake takes a settled file: the inbox lag, from the file's last change (its
    /// arrival, as far as the file system tells) to its intake.
    func willTake(_ event: InboxEvent) {
        guard case .ready(let entry) = event else { return }
        let lag = max(0, Date().timeIntervalSince1970 - Double(entry.mtimeNanos) / 1e9)
        metrics.inboxLag.set(lag, labels: ["watch": entry.watch])
    }

    /// After intake took an event: READY=1 once the store is open and every inbox's start-up
    /// rescan is queued.
    func didTake(_ event: InboxEvent, generation: Generation) {
        guard case .rescanned(_, .startup, _) = event, generation.number == 1 else { return }
        let all = startupRescans.withLock { n -> Bool in
            n += 1
            return n == generation.configuration.watches.count
        }
        if all { notifier.ready() }
    }
}
