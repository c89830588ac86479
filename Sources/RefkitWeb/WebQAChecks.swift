import Synchronization

/// The web's "check a kit again": `refkit qa`'s one definition (`KitRecheck`), handed in by the
/// daemon with its providers and its configuration as they are now, run beside the request. A
/// check takes seconds (every reference measured with the face models, the judge's calls): the
/// request is answered 202 at once, and the kit's events tell the end (`qa_rechecked`, or
/// `qa_recheck_failed` with why).
public final class WebQAChecks: Sendable {
    /// Checks the kit with this id again, also asking the judge when `judge`; records the verdicts
    /// (the kit is then published again), or throws what stopped it.
    public typealias Check = @Sendable (_ kitID: String, _ judge: Bool) async throws -> Void

    let check: Check
    /// The kits being checked now, and every check's task (what `finish()` waits for).
    private let state = Mutex((kits: Set<String>(), tasks: [Int: Task<Void, Never>](), next: 0))

    public init(_ check: @escaping Check) { self.check = check }

    /// Whether a check of `kitID` is running.
    public func isChecking(_ kitID: String) -> Bool { state.withLock { $0.kits.contains(kitID) } }

    /// Starts checking `kitID` again unless a check of it runs; false then. `failed` hears what
    /// stopped a check that did not end.
    @discardableResult
    public func start(kitID: String, judge: Bool, failed: @escaping @Sendable (any Error) -> Void) -> Bool {
        state.withLock { state in
            guard state.kits.insert(kitID).inserted else { return false }
            let number = state.next
            state.next += 1
            // Made under the lock: the task's own end (which removes it) cannot come before it is kept.
            state.tasks[number] = Task { [check] in
                do { try await check(kitID, judge) } catch { failed(error) }
                self.state.withLock { state in
                    state.kits.remove(kitID)
                    state.tasks[number] = nil
                }
            }
            return true
        }
    }

    /// Waits until the checks running now have ended (a stop lets them record their verdicts).
    public func finish() async {
        for task in state.withLock({ Array($0.tasks.values) }) { await task.value }
    }
}
