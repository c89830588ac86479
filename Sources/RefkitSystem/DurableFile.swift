#if canImport(Glibc)
import Glibc
#endif

/// Replaces files so that a crash leaves the old content or the new, never a part of either:
/// a temporary file written in full and fsynced, renamed over the target, then the folder
/// fsynced so the rename itself survives. A folder that cannot be synced is an error: the
/// caller would otherwise record as safe a file that a power cut can take back.
public enum DurableFile {
    /// How temporary files start. Cleanup finds what a crash left behind by it, and inbox
    /// watchers never report it (a hidden name).
    public static let temporaryPrefix = ".refkit-tmp-"

    /// Replaces the file at `path` with `bytes`.
    /// - Parameters:
    ///   - mode: the new file's permission bits, filtered by the umask as `open(2)` does, or set
    ///     exactly when `exactMode` (a file another user must read, e.g. a metrics textfile).
    ///   - temporaryFolder: where the temporary file is made (on the same file system), when a
    ///     crash must not leave it beside the target; by default the target's own folder.
    /// - Throws: the failing call with the file it was about; the temporary file is gone and the
    ///   target untouched, except after a failed folder sync, when it already holds `bytes`.
    public static func replace(
        at path: String, with bytes: [UInt8], mode: mode_t = 0o644, exactMode: Bool = false,
        temporaryFolder: String? = nil
    ) throws(SystemCallError) {
        let (folder, name) = split(path)
        let directory = try openFolder(folder)
        defer { close(directory) }
        guard let temporaryFolder else {
            try replace(named: name, in: directory, folder: folder, with: bytes, mode: mode, exactMode: exactMode)
            return
        }
        let scratch = try openFolder(temporaryFolder)
        defer { close(scratch) }
        try replace(
            named: name, in: directory, folder: folder, with: bytes, mode: mode, exactMode: exactMode,
            temporaryFolder: (scratch, temporaryFolder))
    }

    /// Replaces `name` in the open folder `directory` (`folder` is its path, for errors only).
    /// The temporary file is made with `O_NOFOLLOW | O_EXCL` relative to the descriptor, so a
    /// symlink planted in the folder cannot redirect the write.
    /// - Parameter syncFolder: false when the caller replaces several files and then calls
    ///   `sync(_:path:)` once.
    public static func replace(
        named name: String, in directory: Int32, folder: String, with bytes: [UInt8],
        mode: mode_t = 0o644, exactMode: Bool = false, syncFolder: Bool = true,
        temporaryFolder: (descriptor: Int32, path: String)? = nil
    ) throws(SystemCallError) {
        let target = "\(folder)/\(name)"
        let scratch = temporaryFolder ?? (directory, folder)
        let temporary = temporaryPrefix + String(UInt64.random(in: .min ... .max), radix: 36)
        let file = try systemCall("create", path: "\(scratch.path)/\(temporary)") {
            openat(scratch.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        }
        var open = true
        do throws(SystemCallError) {
            try writeAll(file, bytes, path: target)
            if exactMode { try systemCall("fchmod", path: target) { fchmod(file, mode) } }
            try systemCall("fsync", path: target) { fsync(file) }
            open = false
            // Never retried: after EINTR the descriptor is already closed on Linux. close() can
            // be where a network file system reports ENOSPC.
            guard close(file) == 0 else { throw SystemCallError("close", path: target, errno: Glibc.errno) }
            try systemCall("rename", path: target) { renameat(scratch.descriptor, temporary, directory, name) }
        } catch {
            if open { close(file) }
            unlinkat(scratch.descriptor, temporary, 0)
            throw error
        }
        if syncFolder { try sync(directory, path: folder) }
    }

    /// Gives a file written in full by someone else (SQLite's backup, say) under a temporary name
    /// its final name durably: the file synced, renamed over `path` (same folder, same file
    /// system), then the folder synced.
    public static func commit(_ temporary: String, to path: String) throws(SystemCallError) {
        let file = try systemCall("open", path: temporary) { open(temporary, O_RDONLY | O_CLOEXEC) }
        defer { close(file) }
        try systemCall("fsync", path: temporary) { fsync(file) }
        try systemCall("rename", path: path) { rename(temporary, path) }
        let folder = split(path).folder
        let directory = try openFolder(folder)
        defer { close(directory) }
        try sync(directory, path: folder)
    }

    /// fsync of an open folder, so that renames and new entries in it survive a crash.
    public static func sync(_ directory: Int32, path: String) throws(SystemCallError) {
        try systemCall("fsync", path: path) { fsync(directory) }
    }

    /// Writes all of `bytes` at the descriptor's offset (`path` is for errors only).
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError) {
        let failure: SystemCallError? = bytes.withUnsafeBytes { raw in
            do throws(SystemCallError) {
                try writeAll(descriptor, raw, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes all of `bytes` at the descriptor's offset (`path` is for errors only).
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let count = try systemCall("write", path: path) { write(descriptor, bytes.baseAddress! + offset, bytes.count - offset) }
            // A regular file never takes nothing; stop rather than spin.
            if count == 0 { throw SystemCallError("write", path: path, errno: EIO) }
            offset += count
        }
    }

    private static func openFolder(_ path: String) throws(SystemCallError) -> Int32 {
        try systemCall("open", path: path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    }

    /// `/a/b/c` -> (`/a/b`, `c`); `/c` -> (`/`, `c`); `c` -> (`.`, `c`).
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return (folder, String(path[path.index(after: slash)...]))
    }
}
