import Foundation
import RefkitCore

#if canImport(Glibc)
import Glibc
#endif

/// The state directory: database, originals, work files, and the lock that keeps a second
/// daemon (`run` or `once`) from working on the same state at once.
public final class StateDirectory: Sendable {
    public let path: String
    private let lockFD: Int32

    public var databasePath: String { "\(path)/refkit.sqlite" }

    /// Creates the folders and takes the exclusive lock; fails if another daemon holds it.
    public init(path: String) throws(RefkitError) {
        self.path = path
        for sub in ["", "/originals", "/work", "/tmp"] {
            do {
                try FileManager.default.createDirectory(atPath: path + sub, withIntermediateDirectories: true)
            } catch {
                throw RefkitError("state_unwritable", "cannot create the state directory", detail: "\(path + sub): \(error.localizedDescription)")
            }
        }
        let fd = open("\(path)/refkit.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RefkitError("state_unwritable", "cannot open the lock file", detail: "\(path)/refkit.lock: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw RefkitError(
                "state_locked", "another refkit daemon (run or once) is using this state directory",
                detail: "\(path)/refkit.lock is held; stop the other process or use another state_dir")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        lockFD = fd
    }

    deinit { close(lockFD) }

    /// Removes work files a crashed process left behind (temp files are never referenced).
    public func removeStaleTemporaries() -> Int {
        var removed = 0
        let tmp = "\(path)/tmp"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] {
            if unlink("\(tmp)/\(name)") == 0 { removed += 1 }
        }
        return removed
    }
}
