import Foundation
import RefkitCore
import RefkitSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open directory of the outbox, held by file descriptor. Names below it go through `*at`
/// calls with `O_NOFOLLOW`, so a symlink planted in a kit folder cannot redirect a write.
/// Owns the descriptor; lives inside one `publish` call and never crosses threads.
final class OutboxDirectory {
    let fd: Int32
    /// For error messages only.
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Opens the outbox root, creating it (and its parents) if missing. The root may be a symlink:
    /// the operator configured it.
    static func root(_ path: String) throws(RefkitError) -> OutboxDirectory {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw RefkitError(.outboxUnwritable, "cannot create the outbox", detail: "\(path): \(error.localizedDescription)")
            }
        }
        let fd = try Syscall.retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        return OutboxDirectory(fd: fd, path: path)
    }

    /// The subdirectory `name`, created (and made durable in this directory) if missing.
    func child(_ name: String) throws(RefkitError) -> OutboxDirectory {
        let childPath = "\(path)/\(name)"
        if mkdirat(fd, name, 0o755) == 0 {
            try sync()
        } else if errno != EEXIST {
            throw Syscall.failure(errno, "mkdir", childPath)
        }
        let childFD = try Syscall.retrying("open", childPath) { openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        return OutboxDirectory(fd: childFD, path: childPath)
    }

    /// The bytes of regular file `name`; nil when it is missing or not a regular file (a symlink,
    /// a directory), which callers treat as "not published yet".
    func contents(of name: String) throws(RefkitError) -> [UInt8]? {
        let filePath = "\(path)/\(name)"
        let fileFD = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if fileFD < 0 {
            if [ENOENT, ELOOP, ENOTDIR, EISDIR].contains(errno) { return nil }
            throw Syscall.failure(errno, "open", filePath)
        }
        defer { close(fileFD) }
        var info = stat()
        guard fstat(fileFD, &info) == 0 else { throw Syscall.failure(errno, "stat", filePath) }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(info.st_size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(RefkitError) in try Syscall.retrying("read", filePath) { read(fileFD, raw.baseAddress, raw.count) } }
            }.get()
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[..<count])
        }
    }

    /// Replaces `name` with `bytes` atomically (`DurableFile`): temp file in this directory,
    /// write, fsync, rename, fsync this directory (unless `syncDirectory` is false: the caller
    /// then calls `sync()` once after several writes). On failure the temp file is removed and
    /// `name` is untouched.
    func write(_ bytes: [UInt8], to name: String, syncDirectory: Bool = true) throws(RefkitError) {
        do {
            try DurableFile.replace(named: name, in: fd, folder: path, with: bytes, syncFolder: syncDirectory)
        } catch {
            throw Syscall.failure(error)
        }
    }

    /// fsync of the directory itself, so renames and new entries in it survive a crash.
    func sync() throws(RefkitError) {
        do {
            try DurableFile.sync(fd, path: path)
        } catch {
            throw Syscall.failure(error)
        }
    }
}

/// Syscalls as the outbox uses them: `EINTR` retried (`systemCall`), failures turned into the
/// user-facing codes.
enum Syscall {
    static func retrying<T: FixedWidthInteger>(_ action: String, _ path: String, _ call: () -> T) throws(RefkitError) -> T {
        do {
            return try systemCall(action, path: path, call)
        } catch {
            throw failure(error)
        }
    }

    static func failure(_ error: SystemCallError) -> RefkitError {
        failure(error.errno.rawValue, error.operation, error.path ?? "")
    }

    /// `disk_full` for a full filesystem or quota (retry after freeing space), else `outbox_unwritable`.
    static func failure(_ code: Int32, _ action: String, _ path: String) -> RefkitError {
        let text = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return RefkitError(.diskFull, "no space left on the outbox filesystem", detail: "\(action) \(path): \(text)")
        }
        return RefkitError(.outboxUnwritable, "cannot write to the outbox", detail: "\(action) \(path): \(text) (errno \(code))")
    }
}
