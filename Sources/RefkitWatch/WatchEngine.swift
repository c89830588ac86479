import Glibc
import Logging
import RefkitSystem

/// The inbox watcher's state, confined to its one watch thread: roots, watch descriptors,
/// settle trackers, timers. Not Sendable; created and used on that thread only.
final class WatchEngine {
    struct Root {
        let config: WatchRoot
        /// The configured path without a trailing slash.
        let path: String
        let filter: InboxNameFilter
        var mode: WatchMode = .inotify
        var modeResolved = false
        var paused = false
        /// `st_dev` of the root folder when it was last set up; a change pauses the root.
        var device: UInt64?
        var tracker: SettleTracker
        /// Next poll scan (poll mode) or presence check (paused).
        var nextCheck: MonotonicNanos = 0
        /// Watched folders below the root (`""` is the root) and their watch descriptors.
        var folders: [String: Int32] = [:]
        /// The root folder's identity while it is set up (WatchEngine+RootHandle.swift).
        var identity: SettleKey?
        /// Entries with names that are not UTF-8 already reported (WatchEngine+Undecodable.swift).
        var undecodableReported: Set<UndecodableKey> = []

        func absolute(_ relative: String) -> String {
            relative.isEmpty ? path : (path == "/" ? "/" + relative : path + "/" + relative)
        }
    }

    let watcher: InboxWatcher
    let inotify: Inotify
    let continuation: AsyncStream<InboxEvent>.Continuation
    let logger: Logger
    let rescanInterval: Int64
    let pollInterval: Int64
    var roots: [Root]
    var watchOwners: [Int32: (root: Int, folder: String)] = [:]
    var nextPeriodicRescan: MonotonicNanos = 0
    var readerPaused = false
    var idleWaiters: [CheckedContinuation<Int, Never>] = []
    /// Number of events yielded so far (`InboxWatcher.idle()` reports it).
    private(set) var yieldedCount = 0

    init(watcher: InboxWatcher, inotify: Inotify, continuation: AsyncStream<InboxEvent>.Continuation) {
        self.watcher = watcher
        self.inotify = inotify
        self.continuation = continuation
        self.logger = watcher.logger
        self.rescanInterval = max(1_000_000, watcher.rescanInterval.nanoseconds)
        self.pollInterval = max(1_000_000, watcher.pollInterval.nanoseconds)
        let grace = watcher.hooks.openWriterGrace
        self.roots = watcher.roots.map { config in
            var path = config.path
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return Root(
                config: config, path: path, filter: InboxNameFilter(globs: config.ignore),
                tracker: SettleTracker(settle: config.settle, openWriterGrace: grace)
            )
        }
    }

    /// Runs until shutdown is requested.
    func run() throws {
        if watcher.isShutdownRequested { return }
        start()
        while true {
            if handleRequests() { break }
            if !idleWaiters.isEmpty { try answerIdleWaiters() }
            let readiness = try inotify.wait(includeEvents: !readerPaused, timeoutMilliseconds: timeoutUntilNextDeadline())
            // Drained before the requests are taken (loop top), so a request posted after
            // that still finds the pipe non-empty at the next wait.
            if readiness.woken { inotify.drainWakeups() }
            if readiness.events { process(try inotify.readEvents()) }
            runTimers()
        }
        Self.release(idleWaiters.map { .reportIdle($0) }, eventCount: yieldedCount)
        idleWaiters = []
        for index in roots.indices { closeRoot(index) }
    }

    /// Answers requests left over at shutdown so no caller waits forever.
    static func release(_ requests: [WatchRequest], eventCount: Int) {
        for request in requests {
            switch request {
            case .reportIdle(let waiter): waiter.resume(returning: eventCount)
            case .pauseReading(let waiter): waiter.resume()
            case .rescan, .resumeReading: break
            }
        }
    }

    // MARK: - Start-up

    func start() {
        var refused: [Int: String] = [:]
        for index in roots.indices {
            if let reason = openRoot(index) {
                refused[index] = reason
            } else {
                resolveMode(index)
            }
        }
        checkWatchLimit()
        for index in roots.indices {
            if let reason = refused[index] {
                pause(index, reason: reason)
            } else {
                fullScan(index, reason: .startup)
            }
        }
        nextPeriodicRescan = now() + rescanInterval
    }

    func resolveMode(_ index: Int) {
        guard !roots[index].modeResolved else { return }
        roots[index].modeResolved = true
        let root = roots[index]
        let mode: WatchMode
        let reason: String
        switch root.config.mode {
        case .inotify, .poll:
            mode = root.config.mode
            reason = "configured"
        case .auto:
            let device = FileSnapshot.lstatOf(root.path)?.device
            let kind = device.flatMap { FilesystemKind.of(device: $0) }
            if let kind, kind.needsPolling {
                mode = .poll
                reason = "\(kind.typeName) is a network or FUSE file system; inotify does not see changes made elsewhere"
            } else {
                mode = .inotify
                reason = kind.map { "local file system \($0.typeName)" } ?? "file system type unknown; assuming local"
            }
        }
        roots[index].mode = mode
        roots[index].nextCheck = now() + pollInterval
        // Reported, not logged: what the watcher emits as an event its consumer logs (once, in one shape).
        emit(.modeChosen(root: root.config.name, mode: mode, reason: reason))
    }

    func checkWatchLimit() {
        let limit =
            watcher.hooks.watchLimit
            ?? readSmallFile("/proc/sys/fs/inotify/max_user_watches").flatMap { Int($0.filter { !$0.isWhitespace }) }
        var folders = 0
        for index in roots.indices where roots[index].modeResolved && roots[index].mode == .inotify {
            folders += countFolders(index)
        }
        guard let limit else {
            logger.warning("cannot read fs.inotify.max_user_watches", metadata: ["watch.folders": "\(folders)"])
            return
        }
        let metadata: Logger.Metadata = ["watch.folders": "\(folders)", "watch.limit": "\(limit)"]
        if folders * 5 > limit * 4 {
            emit(.watchLimit(folders: folders, limit: limit))
        } else {
            logger.info("inbox folders to watch within fs.inotify.max_user_watches", metadata: metadata)
        }
    }

    func countFolders(_ index: Int) -> Int {
        let root = roots[index]
        guard root.config.recursive, let handle = openVerifiedRoot(index) else { return 1 }
        defer { close(handle) }
        var count = 0
        var stack = [""]
        var seen = Set<SettleKey>()
        while let folder = stack.popLast() {
            count += 1
            guard case .listed(let entries, _) = DirectoryListing.list(beneath: handle, folder) else { continue }
            for entry in entries where entry.snapshot.kind == .directory && !root.filter.isIgnored(entry.name) {
                if seen.insert(entry.snapshot.identity).inserted { stack.append(Self.join(folder, entry.name)) }
            }
        }
        return count
    }

    // MARK: - Requests and timers

    /// Handles what callers asked for; true when the watcher should stop.
    func handleRequests() -> Bool {
        let (shutdown, requests) = watcher.takeRequests()
        if shutdown {
            Self.release(requests, eventCount: yieldedCount)
            return true
        }
        for request in requests {
            switch request {
            case .rescan(let name):
                let matching = roots.indices.filter { name == nil || roots[$0].config.name == name }
                if matching.isEmpty {
                    logger.warning("rescan asked for an unknown inbox watch", metadata: ["watch.root": "\(name ?? "")"])
                }
                for index in matching {
                    if roots[index].paused {
                        roots[index].nextCheck = now()
                    } else {
                        fullScan(index, reason: .requested)
                    }
                }
            case .reportIdle(let waiter):
                idleWaiters.append(waiter)
            case .pauseReading(let waiter):
                readerPaused = true
                waiter.resume()
            case .resumeReading:
                readerPaused = false
            }
        }
        return false
    }

    func timeoutUntilNextDeadline() -> Int32 {
        var next: MonotonicNanos? = nil
        func consider(_ deadline: MonotonicNanos?) {
            guard let deadline else { return }
            next = min(next ?? deadline, deadline)
        }
        if roots.contains(where: { !$0.paused && $0.mode == .inotify }) { consider(nextPeriodicRescan) }
        for index in roots.indices {
            if roots[index].paused || roots[index].mode == .poll { consider(roots[index].nextCheck) }
            if !roots[index].paused { consider(roots[index].tracker.nextDeadline()) }
        }
        guard let next else { return -1 }
        let remaining = next - now()
        if remaining <= 0 { return 0 }
        // Round up: waking before the deadline would only loop back here.
        let milliseconds = (remaining + 999_999) / 1_000_000
        return Int32(clamping: milliseconds)
    }

    func runTimers() {
        let current = now()
        for index in roots.indices {
            if roots[index].paused {
                if current >= roots[index].nextCheck { tryResume(index) }
                continue
            }
            if roots[index].mode == .poll && current >= roots[index].nextCheck {
                roots[index].nextCheck = current + pollInterval
                fullScan(index, reason: nil)
            }
            if !roots[index].paused { confirmDueEntries(index) }
        }
        if current >= nextPeriodicRescan {
            nextPeriodicRescan = current + rescanInterval
            for index in roots.indices where !roots[index].paused && roots[index].mode == .inotify {
                fullScan(index, reason: .periodic)
            }
        }
    }

    func confirmDueEntries(_ index: Int) {
        let current = now()
        let due = roots[index].tracker.due(now: current)
        // Reported by its path under the configured root: that path must still lead here.
        if !due.isEmpty, let reason = rootReplaced(index) {
            pause(index, reason: reason)
            return
        }
        for relative in due {
            let snapshot = snapshot(index, relative)
            if case .ready(let settled) = roots[index].tracker.confirm(relative, snapshot, now: current) {
                let root = roots[index]
                emit(.ready(InboxEntry(watch: root.config.name, path: root.absolute(relative), relativePath: relative, settled)))
            }
        }
    }

    func answerIdleWaiters() throws {
        if !readerPaused {
            // Whatever the caller did before asking is in the kernel queue by now.
            while true {
                let events = try inotify.readEvents()
                if events.isEmpty { break }
                process(events)
            }
        }
        guard roots.allSatisfy({ $0.tracker.pending.isEmpty }) else { return }
        for waiter in idleWaiters { waiter.resume(returning: yieldedCount) }
        idleWaiters = []
    }

    // MARK: - Pausing

    func pause(_ index: Int, reason: String) {
        guard !roots[index].paused else { return }
        removeWatches(index, under: nil)
        closeRoot(index)
        roots[index].tracker.dropPending()
        roots[index].paused = true
        roots[index].nextCheck = now() + pollInterval
        emit(.rootPaused(root: roots[index].config.name, reason: reason))
    }

    func tryResume(_ index: Int) {
        roots[index].nextCheck = now() + pollInterval
        guard openRoot(index) == nil else { return }
        roots[index].paused = false
        roots[index].device = nil
        resolveMode(index)
        emit(.rootResumed(root: roots[index].config.name))
        fullScan(index, reason: .resumed)
    }

    func fallBackToPolling(_ index: Int, reason: String) {
        removeWatches(index, under: nil)
        roots[index].mode = .poll
        roots[index].nextCheck = now() + pollInterval
        logger.error(
            "inbox root falls back to polling",
            metadata: [
                "watch.root": "\(roots[index].config.name)", "watch.path": "\(roots[index].path)", "watch.reason": "\(reason)",
            ])
        emit(.modeChosen(root: roots[index].config.name, mode: .poll, reason: reason))
    }

    // MARK: - Helpers

    func emit(_ event: InboxEvent) {
        continuation.yield(event)
        yieldedCount += 1
    }

    func now() -> MonotonicNanos {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }

    static func describeGone(_ mask: InotifyMask) -> String {
        if mask.contains(.unmount) { return "root folder's file system was unmounted" }
        if mask.contains(.moveSelf) { return "root folder was moved away" }
        return "root folder was deleted"
    }
}
