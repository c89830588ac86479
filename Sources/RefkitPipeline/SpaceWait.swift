import Foundation
import Logging
import RefkitCore
import RefkitStore
import Synchronization

/// Paid results held in memory until the state directory has space again: while any wait, no new
/// stage starts (it would buy an image that could not be stored either), and the scheduler is
/// woken when the last one is stored.
final class SpaceWait: Sendable {
    private let waiting = Mutex(0)
    /// `disk_full_retry_s`.
    private let retrySeconds: Int
    private let wakeup: Wakeup

    init(retrySeconds: Int, wakeup: Wakeup) {
        self.retrySeconds = retrySeconds
        self.wakeup = wakeup
    }

    /// Whether a result waits for space now.
    var isWaiting: Bool { waiting.withLock { $0 > 0 } }

    /// Runs `body` (storing a paid result, or recording a stage's end) until it succeeds or fails
    /// for a reason other than space. While the state directory (work files or the database) is
    /// full or unwritable, what `body` stores waits in this task's memory and is tried again every
    /// `disk_full_retry_s`; meanwhile no new stage starts, so at most the stages already running
    /// (`[limits] concurrency`) hold a result. A stop ends the wait (the stage runs again at the
    /// next start).
    func whileStateFull(_ what: String, log: Logger, _ body: () throws -> Void) async throws {
        var waiting = false
        while true {
            do {
                try body()
                if waiting {
                    resultStopsWaiting()
                    log.notice("the state directory has space again; the waiting result is stored", metadata: ["what": "\(what)"])
                }
                return
            } catch  where Self.isStateSpace(error) && !Task.isCancelled {
                if !waiting {
                    waiting = true
                    resultStartsWaiting()
                    log.warning(
                        "the state directory is full or not writable; the result waits in memory and is stored when it can be",
                        metadata: ["what": "\(what)", "error": "\(error)", "retry_s": "\(retrySeconds)"])
                }
                do {
                    try await Task.sleep(for: .seconds(retrySeconds))
                } catch {
                    resultStopsWaiting()
                    throw error
                }
            } catch {
                if waiting { resultStopsWaiting() }
                throw error
            }
        }
    }

    /// Full (`disk_full`, `SQLITE_FULL`) or unwritable (`state_unwritable`): conditions that pass.
    static func isStateSpace(_ error: any Error) -> Bool {
        if let error = error as? RefkitError { return [.diskFull, .stateUnwritable].contains(error.code) }
        return RefkitDatabase.isOutOfSpace(error)
    }

    private func resultStartsWaiting() { waiting.withLock { $0 += 1 } }

    private func resultStopsWaiting() {
        let none = waiting.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if none { wakeup.signal() }
    }
}
