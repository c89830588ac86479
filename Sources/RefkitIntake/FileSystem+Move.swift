import CRefkitLinux
import Foundation
import RefkitCore
import RefkitSystem
import RefkitWatch

#if canImport(Glibc)
import Glibc
#endif

extension FileSystem {
    /// How moving a judged inbox entry ended.
    enum MoveOutcome: Equatable {
        case moved
        /// The path no longer holds the judged entry (replaced, rewritten or gone): nothing moved.
        case changed
        /// The entry cannot reach the target's file system (why): it stays where it is.
        case unmovable(String)
    }

    /// Moves the judged `entry` to `target` (which must not exist), and only that entry: its
    /// identity is checked before and after a rename, and on the open file before a copy.
    /// Across file systems a regular file of at most `maxCopyBytes` is streamed (in the kernel
    /// where it can be), keeping its permission bits (never set-user-ID, set-group-ID or sticky),
    /// fsynced, and only then unlinked; a symlink is recreated; folders, FIFOs, sockets, devices
    /// and larger files are `unmovable`.
    static func move(_ entry: InboxEntry, to target: String, maxCopyBytes: Int64) throws(RefkitError) -> MoveOutcome {
        guard let before = lstatEntry(entry.path), entry.matches(before) else { return .changed }
        let targetDir = (target as NSString).deletingLastPathComponent
        let sourceDir = (entry.path as NSString).deletingLastPathComponent
        try mkdirs(targetDir)
        var moved = renameNoReplace(entry.path, target)
        var e = errno
        if !moved, e == EINVAL || e == ENOSYS {
            // Filesystems without RENAME_NOREPLACE: link + unlink never replaces either.
            moved = link(entry.path, target) == 0
            e = errno
            if moved, let linked = lstatEntry(target), let now = lstatEntry(entry.path), now.st_ino == linked.st_ino,
                now.st_dev == linked.st_dev
            {
                unlink(entry.path)
            }
        }
        if moved {
            // rename(2) takes whatever the path holds at that instant: a file swapped in after the
            // check above goes back, untouched by a verdict that was not about it.
            guard let after = lstatEntry(target), entry.matches(after) else {
                putBack(target, to: entry.path)
                return .changed
            }
            fsyncPath(targetDir, directory: true)
            fsyncPath(sourceDir, directory: true)
            return .moved
        }
        guard e == EXDEV else {
            throw RefkitError(
                e == EEXIST ? .moveTargetExists : .moveFailed, "cannot move the file",
                detail: "\(entry.path) -> \(target): \(errnoText(e))")
        }
        let outcome: MoveOutcome
        switch kind(of: before) {
        case .regular:
            outcome = try copyAcross(entry, to: target, maxCopyBytes: maxCopyBytes)
        case .symlink:
            outcome = try recreateSymlink(entry, at: target)
        case .directory:
            outcome = .unmovable("a folder is not copied to another file system")
        case .fifo, .socket, .device, .other:
            outcome = .unmovable("a \(kind(of: before).rawValue) cannot be copied to another file system")
        }
        if outcome == .moved { fsyncPath(sourceDir, directory: true) }
        return outcome
    }

    /// Streams a regular file to `target` through a temp file beside it, then unlinks the inbox
    /// name if it still is that file. Never reads more than the file's settled size.
    private static func copyAcross(_ entry: InboxEntry, to target: String, maxCopyBytes: Int64) throws(RefkitError) -> MoveOutcome {
        let input: Int32
        do {
            input = try systemCall("open", path: entry.path) { open(entry.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        } catch {
            let e = error.errno.rawValue
            if e == ENOENT || e == ELOOP { return .changed }
            throw RefkitError(.moveFailed, "cannot open the file to copy it", detail: "\(entry.path): \(errnoText(e))")
        }
        defer { close(input) }
        var st = stat()
        guard fstat(input, &st) == 0, kind(of: st) == .regular, entry.matches(st) else { return .changed }
        guard Int64(st.st_size) <= maxCopyBytes else {
            return .unmovable("\(st.st_size) bytes is more than max_source_bytes (\(maxCopyBytes)), the most copied to another file system")
        }
        let dir = (target as NSString).deletingLastPathComponent
        let temp = "\(dir)/.refkit-tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        // The permission bits only: the copy is a new file owned by the daemon, and a set-user-ID,
        // set-group-ID or sticky bit from someone else's drop would make an executable of theirs
        // that runs as refkit (as root when refkit runs as root).
        let mode = st.st_mode & 0o777
        let output: Int32
        do {
            output = try systemCall("open", path: temp) { open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        } catch {
            throw writeError(target, error.errno.rawValue)
        }
        var keep = false
        defer {
            if !keep { unlink(temp) }
        }
        do {
            defer { close(output) }
            fchmod(output, mode)  // open(2) applied the umask
            guard try stream(from: input, to: output, count: Int64(st.st_size), target: target) else { return .changed }
            var after = stat()
            guard fstat(input, &after) == 0, entry.matches(after) else { return .changed }  // written to while copied
            guard fsync(output) == 0 else { throw writeError(target) }
        }
        guard renameNoReplace(temp, target) else { throw writeError(target) }
        keep = true
        fsyncPath(dir, directory: true)
        // The copy is safe; the inbox name goes only while it still is the copied file.
        if let now = lstatEntry(entry.path), entry.matches(now) { unlink(entry.path) }
        return .moved
    }

    /// Copies `count` bytes; false when the input ended early (it shrank: not the judged file).
    private static func stream(from input: Int32, to output: Int32, count: Int64, target: String) throws(RefkitError) -> Bool {
        var left = count
        var inKernel = true
        var buffer: [UInt8] = []
        while left > 0 {
            let chunk = Int(min(left, 1 << 30))
            var n: Int
            if inKernel {
                do {
                    n = try systemCall("copy_file_range", path: target) { refkit_copy_file_range(input, output, chunk) }
                } catch {
                    // Not between these file systems: plain reads and writes.
                    let code = error.errno.rawValue
                    guard [EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, EPERM].contains(code) else { throw writeError(target, code) }
                    inKernel = false
                    continue
                }
            } else {
                if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: 1 << 20) }
                let want = min(chunk, buffer.count)
                let read = buffer.withUnsafeMutableBytes { b in
                    Result { () throws(SystemCallError) in try systemCall("read") { Glibc.read(input, b.baseAddress!, want) } }
                }
                let written = buffer.withUnsafeBytes { b in
                    Result { () throws(SystemCallError) in
                        let count = try read.get()
                        try DurableFile.writeAll(output, UnsafeRawBufferPointer(rebasing: b[0..<count]), path: target)
                        return count
                    }
                }
                do {
                    n = try written.get()
                } catch {
                    throw writeError(target, error.errno.rawValue)
                }
            }
            if n == 0 { return false }
            left -= Int64(n)
        }
        return true
    }

    private static func recreateSymlink(_ entry: InboxEntry, at target: String) throws(RefkitError) -> MoveOutcome {
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlink(entry.path, &buf, 4096)
        guard n >= 0 else { throw RefkitError(.moveFailed, "cannot read the symlink", detail: entry.path) }
        let pointee = String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let now = lstatEntry(entry.path), entry.matches(now) else { return .changed }
        guard symlink(pointee, target) == 0 else { throw RefkitError(.moveFailed, "cannot recreate the symlink", detail: target) }
        unlink(entry.path)
        return .moved
    }

    /// Returns an entry that a rename took by mistake to `original`, or beside it when that name
    /// was taken again meanwhile.
    private static func putBack(_ moved: String, to original: String) {
        if renameNoReplace(moved, original) { return }
        let dir = (original as NSString).deletingLastPathComponent
        let name = (original as NSString).lastPathComponent
        for n in 2...1000 where renameNoReplace(moved, "\(dir)/\(RejectedName.numbered(name, n))") { return }
    }
}
