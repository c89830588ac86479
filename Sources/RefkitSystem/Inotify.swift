import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Owns one inotify descriptor (non-blocking, close-on-exec) and the pipe that wakes a thread
/// blocked in `wait`. Immutable: any thread may call `wake()`; one thread reads and waits.
/// Used by the inbox watcher and by the database change watch, each on its own thread.
public final class Inotify: Sendable {
    private let descriptor: Int32
    private let wakeReader: Int32
    private let wakeWriter: Int32

    /// What a `wait` saw.
    public struct Readiness: Sendable, Equatable {
        /// The inotify descriptor has events to read.
        public var events: Bool
        /// `wake()` was called; `drainWakeups()` before waiting again.
        public var woken: Bool

        public init(events: Bool, woken: Bool) {
            self.events = events
            self.woken = woken
        }
    }

    /// A new inotify instance with no watches.
    public init() throws(SystemCallError) {
        descriptor = try systemCall("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        // Glibc's module does not export eventfd or pipe2, so a pipe made non-blocking and
        // close-on-exec with fcntl does the waking.
        var ends: [Int32] = [-1, -1]
        do {
            try systemCall("pipe") { pipe(&ends) }
        } catch {
            close(descriptor)
            throw error
        }
        wakeReader = ends[0]
        wakeWriter = ends[1]
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
    }

    deinit {
        close(descriptor)
        close(wakeReader)
        close(wakeWriter)
    }

    /// Adds (or updates) the watch on one folder and returns its watch descriptor.
    /// The kernel returns the same descriptor for the same inode, whatever the path.
    public func addWatch(path: String, mask: InotifyMask) throws(SystemCallError) -> Int32 {
        try systemCall("inotify_add_watch", path: path) { inotify_add_watch(descriptor, path, mask.rawValue) }
    }

    /// Removes a watch; the kernel queues `IN_IGNORED` for it. A watch the kernel already
    /// dropped (its folder was deleted) is not an error.
    public func removeWatch(_ watch: Int32) {
        _ = inotify_rm_watch(descriptor, watch)
    }

    /// Blocks until inotify has events (when `includeEvents`), `wake()` was called, or the
    /// timeout passed. `timeoutMilliseconds` < 0 waits without limit.
    public func wait(includeEvents: Bool, timeoutMilliseconds: Int32) throws(SystemCallError) -> Readiness {
        var fds = [
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
            pollfd(fd: includeEvents ? descriptor : -1, events: Int16(POLLIN), revents: 0),
        ]
        let count = try systemCall("poll") { poll(&fds, nfds_t(fds.count), timeoutMilliseconds) }
        if count == 0 { return Readiness(events: false, woken: false) }
        return Readiness(events: fds[1].revents != 0, woken: fds[0].revents != 0)
    }

    /// Makes the current or next `wait` return. Safe from any thread.
    public func wake() {
        var byte: UInt8 = 1
        // EAGAIN means the pipe is full, which already guarantees a wake-up.
        _ = write(wakeWriter, &byte, 1)
    }

    /// Empties the wake pipe after a wake-up.
    public func drainWakeups() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(wakeReader, &scratch, scratch.count) > 0 {}
    }

    /// Reads what is queued now, up to `maxReads` buffers; an empty result means nothing was queued.
    public func readEvents(maxReads: Int = 16) throws(SystemCallError) -> [InotifyEvent] {
        // Large enough for many events, and always for one with a NAME_MAX name.
        let capacity = 64 * 1024
        var events: [InotifyEvent] = []
        var failure: SystemCallError?
        withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            for _ in 0..<maxReads {
                let count: Int
                do throws(SystemCallError) {
                    count = try systemCall("read") { read(descriptor, buffer.baseAddress, capacity) }
                } catch {
                    if error.errno != .resourceTemporarilyUnavailable { failure = error }
                    return
                }
                if count <= 0 { return }
                events += InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        }
        if let failure { throw failure }
        return events
    }
}
