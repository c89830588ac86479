import Foundation
import Logging
import RefkitCore
import RefkitStore

extension KitScheduler {
    /// Runs `body` (storing a paid result, or recording a stage's end) until it succeeds or fails
    /// for a reason other than space. While the state directory (work files or the database) is
    /// full or unwritable, what `body` stores waits in this task's memory and is tried again every
    /// `disk_full_retry_s`; meanwhile no new stage starts, so at most the stages already running
    /// (`[limits] concurrency`) hold a result. A stop ends the wait (the stage runs again at the
    /// next start).
    nonisolated func whileStateFull(_ what: String, log: Logger, _ body: () throws -> Void) async throws {
        var waiting = false
        while true {
            do {
                try body()
                if waiting {
                    await resultStopsWaiting()
                    log.notice("the state directory has space again; the waiting result is stored", metadata: ["what": "\(what)"])
                }
                return
            } catch where Self.isStateSpace(error) && !Task.isCancelled {
                if !waiting {
                    waiting = true
                    await resultStartsWaiting()
                    log.warning(
                        "the state directory is full or not writable; the result waits in memory and is stored when it can be",
                        metadata: ["what": "\(what)", "error": "\(error)", "retry_s": "\(configuration.daemon.diskFullRetrySeconds)"])
                }
                do {
                    try await Task.sleep(for: .seconds(configuration.daemon.diskFullRetrySeconds))
                } catch {
                    await resultStopsWaiting()
                    throw error
                }
            } catch {
                if waiting { await resultStopsWaiting() }
                throw error
            }
        }
    }

    /// Full (`disk_full`, `SQLITE_FULL`) or unwritable (`state_unwritable`): conditions that pass.
    static func isStateSpace(_ error: any Error) -> Bool {
        if let error = error as? RefkitError { return ["disk_full", "state_unwritable"].contains(error.code) }
        return RefkitDatabase.isOutOfSpace(error)
    }

    private func resultStartsWaiting() { resultsWaitingForSpace += 1 }

    private func resultStopsWaiting() {
        resultsWaitingForSpace -= 1
        if resultsWaitingForSpace == 0 { wakeup.signal() }
    }
}
