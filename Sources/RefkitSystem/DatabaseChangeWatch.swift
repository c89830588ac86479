import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells the scheduler when another process (a `refkit select`, `regenerate`, `retry` or
/// `delete`) may have changed the database: inotify on the state directory, for the database's
/// files changing. Costs nothing while nothing happens (a thread blocked in poll on the inotify
/// descriptor and its wake pipe); a burst of commits is one call of `onChange` per 100 ms.
/// When inotify is not available, a stat of the WAL file every 5 s stands in for it.
public final class DatabaseChangeWatch: Sendable {
    /// Between the watch thread and `stop()`.
    private final class Control: @unchecked Sendable {
        // `stopping` and `running` are read and written with `condition` locked only.
        let condition = NSCondition()
        var stopping = false
        var running = true

        var isStopping: Bool { condition.withLock { stopping } }

        /// Waits up to `seconds` for `stop()`; true once it was called.
        func waitForStop(seconds: Double) -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            return condition.withLock {
                while !stopping && condition.wait(until: deadline) {}
                return stopping
            }
        }
    }

    /// The state directory's names that mean a commit, ours or another process's.
    private static let mask: InotifyMask = [.modify, .closeWrite, .movedTo, .create]

    private let inotify: Inotify?
    private let control = Control()

    /// Starts the watch thread over the state directory at `stateDir`.
    public init(stateDir: String, onChange: @escaping @Sendable () -> Void) {
        let layout = StateLayout(root: stateDir)
        let inotify = try? Inotify()
        let watching = (try? inotify?.addWatch(path: stateDir, mask: Self.mask)) != nil
        self.inotify = inotify
        let thread = Thread { [control] in
            let stopped = inotify.map { watching && Self.watch($0, control, onChange) } ?? false
            if !stopped { Self.pollWAL(layout, control, onChange) }
            control.condition.withLock {
                control.running = false
                control.condition.broadcast()
            }
        }
        thread.name = "refkit-db-watch"
        thread.start()
    }

    /// Ends the watch thread and returns once it has ended; `onChange` is not called after
    /// that. Never call it from `onChange`.
    public func stop() {
        control.condition.withLock {
            control.stopping = true
            control.condition.broadcast()
        }
        inotify?.wake()
        control.condition.withLock {
            while control.running { control.condition.wait() }
        }
    }

    /// Blocks on inotify until stopped (true), or until inotify fails (false).
    private static func watch(_ inotify: Inotify, _ control: Control, _ onChange: () -> Void) -> Bool {
        while !control.isStopping {
            guard let ready = try? inotify.wait(includeEvents: true, timeoutMilliseconds: -1) else { return false }
            if ready.woken {
                inotify.drainWakeups()
                continue
            }
            guard let events = try? inotify.readEvents() else { return false }
            let changed = events.contains {
                $0.mask.contains(.queueOverflow) || StateLayout.isDatabaseFile(String(decoding: $0.name, as: UTF8.self))
            }
            if changed { onChange() }
            // The rest of a burst of commits comes with the next call; stop() still ends this at once.
            _ = try? inotify.wait(includeEvents: false, timeoutMilliseconds: 100)
        }
        return true
    }

    private static func pollWAL(_ layout: StateLayout, _ control: Control, _ onChange: () -> Void) {
        var lastStamp = walStamp(layout)
        while !control.waitForStop(seconds: 5) {
            let stamp = walStamp(layout)
            if stamp != lastStamp {
                lastStamp = stamp
                onChange()
            }
        }
    }

    /// The WAL file's size and change time: it changes with every commit, ours or another process's.
    private static func walStamp(_ layout: StateLayout) -> [Int] {
        var st = stat()
        guard stat(layout.databaseWAL, &st) == 0 else { return [] }
        return [Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec), Int(st.st_ino)]
    }
}
