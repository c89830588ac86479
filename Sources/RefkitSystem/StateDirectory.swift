import Foundation
import RefkitCore

#if canImport(Glibc)
import Glibc
#endif

/// The state directory: database, originals, work files, and the lock that keeps a second
/// daemon (`run` or `once`) from working on the same state at once.
public final class StateDirectory: Sendable {
    /// The state directory itself (`state_dir`).
    public let path: String
    /// Where its files are.
    public let layout: StateLayout
    private let lockFD: Int32

    /// `refkit.sqlite` in it.
    public var databasePath: String { layout.database }

    /// Creates the folders and takes the exclusive lock; fails if another daemon holds it.
    public init(path: String) throws(RefkitError) {
        self.path = path
        layout = StateLayout(root: path)
        for folder in [path, layout.originals, layout.work, layout.temporary] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                let detail = "\(folder): \(error.localizedDescription)"
                throw RefkitError(.stateUnwritable, "cannot create the state directory", detail: detail)
            }
        }
        let lock = layout.lock
        let fd: Int32
        do {
            fd = try systemCall("open", path: lock) { open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        } catch {
            throw RefkitError(.stateUnwritable, "cannot open the lock file", detail: "\(lock): \(error.reason)")
        }
        guard (try? systemCall("flock", path: lock) { flock(fd, LOCK_EX | LOCK_NB) }) != nil else {
            close(fd)
            throw RefkitError(
                .stateLocked, "another refkit daemon (run or once) is using this state directory",
                detail: "\(lock) is held; stop the other process or use another state_dir")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        lockFD = fd
    }

    deinit { close(lockFD) }

    /// The pid of the daemon holding the lock of the state directory at `layout`, without taking
    /// it; nil when no daemon holds it, -1 when one does but its pid cannot be read.
    public static func lockHolder(_ layout: StateLayout) -> Int? {
        let fd = open(layout.lock, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if (try? systemCall("flock", path: layout.lock) { flock(fd, LOCK_SH | LOCK_NB) }) != nil {
            flock(fd, LOCK_UN)
            return nil
        }
        let text = (try? String(contentsOfFile: layout.lock, encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Removes work files a crashed process left behind (temp files are never referenced).
    public func removeStaleTemporaries() -> Int {
        var removed = 0
        let tmp = layout.temporary
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] {
            if unlink("\(tmp)/\(name)") == 0 { removed += 1 }
        }
        return removed
    }
}
