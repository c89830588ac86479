import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real tmpfs mounted at `path` (tests run as root): a small disk that fills up, or another
/// file system than the one beside it. Unmounted by `unmount()`.
public struct TinyFilesystem: Sendable {
    public let path: String

    /// Mounts a tmpfs of `size` (`1m`, `256k`) at `path`, creating the folder; throws (never
    /// skips) when it cannot.
    public init(at path: String, size: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(size)") == 0 else {
            throw FixtureError("cannot mount a \(size) tmpfs at \(path): \(String(cString: strerror(errno))) (the test needs root)")
        }
    }

    public var freeBytes: Int {
        var info = statvfs()
        statvfs(path, &info)
        return Int(info.f_bavail) * Int(info.f_bsize)
    }

    /// Fills the filesystem with `name` until only `leaving` bytes stay free.
    public func fill(_ name: String, leaving: Int) throws {
        try FileFixtures.write([UInt8](repeating: 0x5a, count: max(0, freeBytes - leaving)), to: "\(path)/\(name)")
    }

    public func unmount() { umount2(path, Int32(MNT_DETACH)) }
}
