import CRefkitLinux
import Foundation
import RefkitCore

#if canImport(Glibc)
import Glibc
#endif

extension OutboxDirectory {
    /// The existing subdirectory `name`, or nil when there is none (a symlink or a file there is an
    /// error, as for `child`: nothing from an order may redirect a publish).
    func existingChild(_ name: String) throws(RefkitError) -> OutboxDirectory? {
        let childFD = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if childFD < 0 {
            if errno == ENOENT { return nil }
            throw Syscall.failure(errno, "open", "\(path)/\(name)")
        }
        return OutboxDirectory(fd: childFD, path: "\(path)/\(name)")
    }

    /// Makes `name` here a hard link to the regular file `name` in `other` (same bytes, same inode,
    /// no copy). False when it cannot (not a regular file, links unsupported): the caller writes.
    func link(_ name: String, from other: OutboxDirectory) -> Bool {
        var info = stat()
        guard fstatat(other.fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return linkat(other.fd, name, fd, name, 0) == 0
    }

    /// Puts the staged kit folder `staged` in place of `name` in one step: an exchange of the two
    /// (RENAME_EXCHANGE) when `name` exists, a plain rename for a first publish. Where the
    /// filesystem cannot exchange, the old folder is renamed away first: a reader may then briefly
    /// find no folder, never a mixed one. The old version is retired, not removed at once: a reader
    /// that was resolving a path in it, or reading from it, finishes (`removeRetired`).
    func switchIn(_ staged: String, as name: String, replacing: Bool) throws(RefkitError) {
        let retired = Self.retiredName(at: Date())
        if !replacing {
            _ = try Syscall.retrying("rename", "\(path)/\(name)") { renameat(fd, staged, fd, name) }
        } else if refkit_renameat_exchange(fd, staged, fd, name) == 0 {
            _ = renameat(fd, staged, fd, retired)
        } else {
            guard [EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) else { throw Syscall.failure(errno, "exchange", "\(path)/\(name)") }
            _ = try Syscall.retrying("rename", "\(path)/\(name)") { renameat(fd, name, fd, retired) }
            do {
                _ = try Syscall.retrying("rename", "\(path)/\(name)") { renameat(fd, staged, fd, name) }
            } catch {
                // The published version goes back: never a kit without its folder (the caller
                // removes the staged one, and a retired folder is removed after retiredGrace).
                _ = renameat(fd, retired, fd, name)
                throw error
            }
        }
        try sync()
    }

    /// How long a replaced kit version stays (hidden) for readers that started on it.
    static let retiredGrace: Double = 10

    /// `.refkit-tmp-old-<ms since 1970>-<random>`: a replaced version and when it was replaced.
    static func retiredName(at date: Date) -> String {
        KitPath.temporaryPrefix + "old-\(Int64(date.timeIntervalSince1970 * 1000))-" + String(UInt64.random(in: .min ... .max), radix: 36)
    }

    /// Removes the versions retired here more than `retiredGrace` seconds before `now`.
    func removeRetired(now: Date = Date()) {
        let prefix = KitPath.temporaryPrefix + "old-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where entry.hasPrefix(prefix) {
            guard let ms = Int64(entry.dropFirst(prefix.count).prefix { $0 != "-" }) else { continue }
            if now.timeIntervalSince1970 - Double(ms) / 1000 > Self.retiredGrace { removeTree(entry) }
        }
    }

    /// Removes the folder `name` here and everything in it (symlinks are removed, not followed).
    /// Best effort: what stays is a `.refkit-tmp-*` folder the next start-up sweep removes.
    func removeTree(_ name: String) {
        try? FileManager.default.removeItem(atPath: "\(path)/\(name)")
    }
}
