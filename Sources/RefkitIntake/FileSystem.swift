import CRefkitLinux
import Foundation
import RefkitCore
import RefkitSystem
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
        let fd: Int32
        do {
            fd = try systemCall("open", path: entry.path) { open(entry.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        } catch {
            let e = error.errno.rawValue
            if e == ENOENT { return nil }
            if e == ELOOP { throw RefkitError(.sourceSymlink, "symlinks are never followed", detail: entry.relativePath) }
            throw RefkitError(.sourceUnreadable, "cannot open the file", detail: "\(entry.relativePath): \(errnoText(e))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw RefkitError(.sourceUnreadable, "cannot stat the file", detail: errnoText()) }
        guard kind(of: st) == .regular, entry.matches(st) else { return nil }
        let want = min(Int(st.st_size), limit)
        var bytes = [UInt8](repeating: 0, count: want)
        var done = 0
        while done < want {
            let read = bytes.withUnsafeMutableBytes { buf in
                Result { () throws(SystemCallError) in try systemCall("read") { Glibc.read(fd, buf.baseAddress! + done, want - done) } }
            }
            let n: Int
            do {
                n = try read.get()
            } catch {
                let detail = "\(entry.relativePath): \(errnoText(error.errno.rawValue))"
                throw RefkitError(.sourceUnreadable, "cannot read the file", detail: detail)
            }
            if n == 0 { return nil }  // shrank while reading
            done += n
        }
        return bytes
    }

    static func mkdirs(_ path: String, unwritableCode: RefkitError.Code = .stateUnwritable) throws(RefkitError) {
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

    /// Writes bytes durably (`DurableFile`): temp file in the same folder, fsync, rename, fsync
    /// the folder. `mode` is the new file's permission bits; `unwritableCode` names a failure
    /// that is not a full disk (which is always `disk_full`).
    public static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, unwritableCode: RefkitError.Code = .stateUnwritable
    ) throws(RefkitError) {
        try mkdirs((path as NSString).deletingLastPathComponent, unwritableCode: unwritableCode)
        do {
            try DurableFile.replace(at: path, with: bytes, mode: mode)
        } catch {
            throw writeError(path, error.errno.rawValue, unwritableCode: unwritableCode)
        }
    }

    static func writeError(_ path: String, _ code: Int32 = errno, unwritableCode: RefkitError.Code = .stateUnwritable) -> RefkitError {
        RefkitError(code == ENOSPC ? .diskFull : unwritableCode, "cannot write a file", detail: "\(path): \(errnoText(code))")
    }

    /// rename(2) that never replaces an existing target (renameat2 RENAME_NOREPLACE).
    static func renameNoReplace(_ source: String, _ target: String) -> Bool {
        refkit_rename_noreplace(source, target) == 0
    }
}
