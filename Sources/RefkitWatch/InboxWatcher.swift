import Foundation
import Logging
import RefkitSystem
import Synchronization

/// Watches inbox folders and reports entries once they have settled.
///
/// One inotify instance serves all roots, with one watch per folder. Kernel events are
/// hints: an entry is reported (`.ready`) when its `lstat` size, mtime and inode stayed
/// unchanged for the root's settle time after its last event. Full rescans at start,
/// after a queue overflow, periodically and on request find what events missed. Roots on
/// network file systems are polled. Blocking waits run on one dedicated thread that feeds
/// `events`; an idle watcher sleeps in `poll(2)`.
///
/// Like a swift-service-lifecycle service: `run()` returns at `shutdown()` or when its task
/// is cancelled, and `events` finishes then.
public final class InboxWatcher: Sendable {
    /// Everything the watcher reports, in order. Single consumer; finishes when `run()` ends.
    public let events: AsyncStream<InboxEvent>

    let roots: [WatchRoot]
    let rescanInterval: Duration
    let pollInterval: Duration
    let logger: Logger
    let hooks: WatchTestHooks
    private let continuation: AsyncStream<InboxEvent>.Continuation
    private let control = Mutex(WatchControl())

    /// Creates a watcher; nothing is opened or watched until `run()`.
    public convenience init(
        roots: [WatchRoot],
        rescanInterval: Duration = .seconds(300),
        pollInterval: Duration = .seconds(2),
        logger: Logger
    ) {
        self.init(roots: roots, rescanInterval: rescanInterval, pollInterval: pollInterval, logger: logger, hooks: WatchTestHooks())
    }

    init(roots: [WatchRoot], rescanInterval: Duration, pollInterval: Duration, logger: Logger, hooks: WatchTestHooks) {
        self.roots = roots
        self.rescanInterval = rescanInterval
        self.pollInterval = pollInterval
        self.logger = logger
        self.hooks = hooks
        (events, continuation) = AsyncStream.makeStream(of: InboxEvent.self, bufferingPolicy: .unbounded)
    }

    /// Watches until `shutdown()` or cancellation, then closes its descriptors and finishes
    /// `events`. Throws `WatchError` when the configuration is invalid, inotify cannot be
    /// set up, or `run()` was already called.
    public func run() async throws {
        let claimed: Bool = try control.withLock { control in
            guard case .notStarted = control.phase else {
                throw WatchError(code: "watch.already_running", message: "run() was already called on this watcher")
            }
            control.phase = .starting
            return !control.shutdownRequested
        }
        guard claimed else {
            finish(eventCount: 0)
            return
        }
        let inotify: Inotify
        do {
            try validateRoots()
            inotify = try Inotify()
        } catch {
            finish(eventCount: 0)
            if let error = error as? SystemCallError {
                throw WatchError(code: "watch.inotify_unavailable", message: "cannot create an inotify instance", cause: error)
            }
            throw error
        }
        control.withLock { control in
            control.phase = .running(inotify)
            // Requests posted while starting found no thread to wake.
            control.wakeIfRunning()
        }

        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                let thread = Thread { [self] in
                    let engine = WatchEngine(watcher: self, inotify: inotify, continuation: continuation)
                    let outcome = Result { try engine.run() }
                    finish(eventCount: engine.yieldedCount)
                    done.resume(with: outcome)
                }
                thread.name = "refkit-inbox-watch"
                thread.start()
            }
        } onCancel: {
            shutdown()
        }
    }

    /// Ends the watcher's life: answers waiting callers, drops the inotify instance (its
    /// descriptors close with the last reference) and finishes `events`.
    private func finish(eventCount: Int) {
        let leftovers = control.withLock { control in
            control.phase = .finished
            control.finalEventCount = eventCount
            defer { control.requests = [] }
            return control.requests
        }
        WatchEngine.release(leftovers, eventCount: eventCount)
        continuation.finish()
    }

    /// Asks `run()` to stop; it returns once the watch thread has closed everything.
    public func shutdown() {
        control.withLock { control in
            control.shutdownRequested = true
            control.wakeIfRunning()
        }
    }

    /// Asks for a full rescan of one root (by name), or of all roots when `root` is nil.
    public func rescan(root: String? = nil) {
        post(.rescan(root: root))
    }

    /// Waits until the watcher is idle (every queued kernel event read, every entry settled
    /// or dropped) and returns how many events it had yielded to `events` by then. A consumer
    /// that has handled that many events has seen everything in the inboxes, which is what
    /// `refkit once` needs. Returns at once after shutdown.
    public func idle() async -> Int {
        await withCheckedContinuation { post(.reportIdle($0)) }
    }

    // MARK: - Test hooks

    /// Stops reading the inotify descriptor (the kernel queue fills up) until `resumeReading()`.
    func pauseReading() async {
        await withCheckedContinuation { post(.pauseReading($0)) }
    }

    func resumeReading() {
        post(.resumeReading)
    }

    // MARK: - Engine side

    var isShutdownRequested: Bool {
        control.withLock { $0.shutdownRequested }
    }

    /// Takes the queued requests; true in `shutdown` once `shutdown()` was called.
    func takeRequests() -> (shutdown: Bool, requests: [WatchRequest]) {
        control.withLock { control in
            defer { control.requests = [] }
            return (control.shutdownRequested, control.requests)
        }
    }

    private func post(_ request: WatchRequest) {
        let finalEventCount: Int? = control.withLock { control in
            if case .finished = control.phase { return control.finalEventCount }
            control.requests.append(request)
            control.wakeIfRunning()
            return nil
        }
        if let finalEventCount { WatchEngine.release([request], eventCount: finalEventCount) }
    }

    private func validateRoots() throws {
        var names = Set<String>()
        for root in roots {
            guard root.path.hasPrefix("/") else {
                throw WatchError(code: "watch.invalid_root", message: "inbox path of watch '\(root.name)' is not absolute: \(root.path)")
            }
            guard names.insert(root.name).inserted else {
                throw WatchError(code: "watch.invalid_root", message: "two watches are named '\(root.name)'")
            }
        }
    }
}

/// Knobs only tests turn.
struct WatchTestHooks: Sendable {
    /// Replaces `fs.inotify.max_user_watches` in the start-up check.
    var watchLimit: Int?
    /// How long a file a writer still holds open may stay quiet before it is taken anyway.
    var openWriterGrace: Duration?
}

/// What `InboxWatcher`'s callers ask of the watch thread.
enum WatchRequest: Sendable {
    case rescan(root: String?)
    case reportIdle(CheckedContinuation<Int, Never>)
    case pauseReading(CheckedContinuation<Void, Never>)
    case resumeReading
}

/// State shared between `InboxWatcher`'s callers and its watch thread.
struct WatchControl {
    enum Phase {
        case notStarted
        case starting
        case running(Inotify)
        case finished
    }

    var phase: Phase = .notStarted
    var shutdownRequested = false
    var requests: [WatchRequest] = []
    /// Events yielded over the watcher's life, once finished.
    var finalEventCount = 0

    func wakeIfRunning() {
        if case .running(let inotify) = phase { inotify.wake() }
    }
}
