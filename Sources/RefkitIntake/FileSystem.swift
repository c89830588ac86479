import Foundation
import CSystem
import RefkitCore
import RefkitWatch

#if canImport(Glibc)
import Glibc
#endif

/// Syscalls used by intake, with EINTR retried and errors as `RefkitError`s that carry errno.
public enum FileSystem {
    static func errnoText(_ code: Int32 = errno) -> String { "\(String(cString: strerror(code))) (errno \(code))" }

    /// lstat: never follows a symlink.
    static func lstatEntry(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    static func kind(of st: stat) -> InboxEntry.Kind {
        switch st.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        case S_IFIFO: .fifo
        case S_IFSOCK: .socket
        case S_IFCHR, S_IFBLK: .device
        default: .other
        }
    }

    static func mtimeNanos(_ st: stat) -> Int64 { Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec) }

    /// Reads a regular file safely: opened with O_NOFOLLOW|O_NONBLOCK (a symlink is never
    /// followed, a FIFO never blocks), checked to be the same inode that was settled, read up to
    /// `limit` bytes. Returns nil bytes when it changed since it was seen.
    static func readRegular(_ entry: InboxEntry, limit: Int) throws(RefkitError) -> [UInt8]? {
        let fd = retrying { open(entry.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { return nil }
            if e == ELOOP { throw RefkitError("source_symlink", "symlinks are never followed", detail: entry.relativePath) }
            throw RefkitError("source_unreadable", "cannot open the file", detail: "\(entry.relativePath): \(errnoText(e))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw RefkitError("source_unreadable", "cannot stat the file", detail: errnoText()) }
        guard kind(of: st) == .regular, entry.matches(st) else { return nil }
        let want = min(Int(st.st_size), limit)
        var bytes = [UInt8](repeating: 0, count: want)
        var done = 0
        while done < want {
            let n = bytes.withUnsafeMutableBytes { buf in retrying { read(fd, buf.baseAddress! + done, want - done) } }
            if n < 0 { throw RefkitError("source_unreadable", "cannot read the file", detail: "\(entry.relativePath): \(errnoText())") }
            if n == 0 { return nil }  // shrank while reading
            done += n
        }
        return bytes
    }

    static func retrying<T: FixedWidthInteger>(_ call: () -> T) -> T {
        while true {
            let r = call()
            if r == -1 && errno == EINTR { continue }
            return r
        }
    }

    static func mkdirs(_ path: String, unwritableCode: String = "state_unwritable") throws(RefkitError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RefkitError(unwritableCode, "cannot create a folder", detail: "\(path): \(error.localizedDescription)")
        }
    }

    static func fsyncPath(_ path: String, directory: Bool) {
        let fd = open(path, (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// Writes bytes durably: temp file in the same folder, fsync, rename, fsync the folder.
    /// `mode` is the new file's permission bits; `unwritableCode` names a failure that is not
    /// a full disk (which is always `disk_full`).
    public static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, unwritableCode: String = "state_unwritable"
    ) throws(RefkitError) {
        func writeError(_ path: String) -> RefkitError { FileSystem.writeError(path, unwritableCode: unwritableCode) }
        let dir = (path as NSString).deletingLastPathComponent
        try mkdirs(dir, unwritableCode: unwritableCode)
        let temp = "\(dir)/.refkit-tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = retrying { open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw writeError(path) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buf in retrying { write(fd, buf.baseAddress! + done, bytes.count - done) } }
            if n <= 0 {
                let error = writeError(path)
                close(fd)
                unlink(temp)
                throw error
            }
            done += n
        }
        guard fsync(fd) == 0 else {
            let error = writeError(path)
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let error = writeError(path)
            unlink(temp)
            throw error
        }
        fsyncPath(dir, directory: true)
    }

    static func writeError(_ path: String, unwritableCode: String = "state_unwritable") -> RefkitError {
        let e = errno
        return RefkitError(e == ENOSPC ? "disk_full" : unwritableCode, "cannot write a file", detail: "\(path): \(errnoText(e))")
    }

    /// rename(2) that never replaces an existing target (renameat2 RENAME_NOREPLACE).
    static func renameNoReplace(_ source: String, _ target: String) -> Bool {
        refkit_rename_noreplace(source, target) == 0
    }
}
