import Foundation
import Glibc
import Synchronization

/// Tells the scheduler when another process (a `refkit select`, `regenerate`, `retry` or
/// `delete`) may have changed the database: inotify on the state directory, for the WAL file
/// changing. Costs nothing while nothing happens (a thread blocked in poll, waking once a
/// minute to check whether it should stop); events are coalesced to one wake-up per 100 ms.
/// Falls back to a stat of the WAL file every 5 s when inotify is not available.
final class DatabaseChangeWatch: Sendable {
    private final class Flag: Sendable {
        let value = Mutex(false)
    }

    private let stopped = Flag()

    init(stateDir: String, onChange: @escaping @Sendable () -> Void) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        let mask = UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE)
        let watching = fd >= 0 && inotify_add_watch(fd, stateDir, mask) >= 0
        let thread = Thread { [stopped] in
            defer { if fd >= 0 { close(fd) } }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var lastStamp = Self.walStamp(stateDir)
            while !stopped.value.withLock({ $0 }) {
                if watching {
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&pfd, 1, 60_000) > 0 else { continue }
                    var sawWAL = false
                    while true {
                        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                        guard n > 0 else { break }
                        var offset = 0
                        while offset + MemoryLayout<inotify_event>.size <= n {
                            let (length, name) = buffer.withUnsafeBytes { raw -> (Int, String) in
                                let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                                let nameStart = offset + MemoryLayout<inotify_event>.size
                                let bytes = raw[nameStart..<min(nameStart + Int(event.len), n)].prefix { $0 != 0 }
                                return (Int(event.len), String(decoding: bytes, as: UTF8.self))
                            }
                            if name.hasPrefix("refkit.sqlite") { sawWAL = true }
                            offset += MemoryLayout<inotify_event>.size + length
                        }
                    }
                    if sawWAL { onChange() }
                    usleep(100_000)
                } else {
                    sleep(5)
                    let stamp = Self.walStamp(stateDir)
                    if stamp != lastStamp {
                        lastStamp = stamp
                        onChange()
                    }
                }
            }
        }
        thread.name = "refkit-db-watch"
        thread.start()
    }

    /// The WAL file's size and change time: it changes with every commit, ours or another process's.
    private static func walStamp(_ stateDir: String) -> [Int] {
        var st = stat()
        guard stat("\(stateDir)/refkit.sqlite-wal", &st) == 0 else { return [] }
        return [Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec), Int(st.st_ino)]
    }

    /// The thread ends at its next wake-up (at most a minute later); it holds nothing.
    func stop() { stopped.value.withLock { $0 = true } }
}
