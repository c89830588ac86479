#if canImport(Glibc)
import Glibc
#endif

/// Notices whether anyone opens or reads a file: an inotify watch of its own on the file
/// (`IN_OPEN | IN_ACCESS`), read without blocking. Proves that a symlink target or a
/// hard-linked original was never opened through the inbox.
public final class OpenSpy {
    private let fd: Int32
    public let path: String

    public init(watching path: String) throws {
        self.path = path
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw FixtureError("inotify_init1: \(String(cString: strerror(errno)))") }
        guard inotify_add_watch(fd, path, UInt32(IN_OPEN | IN_ACCESS)) >= 0 else {
            let text = String(cString: strerror(errno))
            close(fd)
            throw FixtureError("inotify_add_watch \(path): \(text)")
        }
    }

    deinit { close(fd) }

    /// How many open or read events arrived since the last call.
    public func opens() -> Int {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var count = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return count }
            var offset = 0
            while offset < n {
                let length = buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 12, as: UInt32.self) }
                let mask = buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 4, as: UInt32.self) }
                if mask & UInt32(IN_OPEN | IN_ACCESS) != 0 { count += 1 }
                offset += 16 + Int(length)
            }
        }
    }
}
