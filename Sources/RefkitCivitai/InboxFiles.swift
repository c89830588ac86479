import Foundation
import RefkitCore

#if canImport(Glibc)
import Glibc
#endif

/// Writes files the way refkit documents for every producer: a hidden temp name in the same
/// folder (the watcher ignores dot files), fsync, rename into place, fsync the folder. The
/// daemon sees the file only complete.
enum InboxFiles {
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(RefkitError) {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RefkitError("civitai_unwritable", "cannot create a folder", detail: "\(dir): \(error.localizedDescription)")
        }
        let temp = "\(dir)/.\(name).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).part"
        let fd = retrying { open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640) }
        guard fd >= 0 else { throw failure(path) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buf in retrying { write(fd, buf.baseAddress! + done, bytes.count - done) } }
            if n <= 0 {
                let error = failure(path)
                close(fd)
                unlink(temp)
                throw error
            }
            done += n
        }
        guard fsync(fd) == 0 else {
            let error = failure(path)
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let error = failure(path)
            unlink(temp)
            throw error
        }
        let dirFD = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    static func failure(_ path: String) -> RefkitError {
        let e = errno
        return RefkitError(
            e == ENOSPC ? "disk_full" : "civitai_unwritable", "cannot write a file", detail: "\(path): \(String(cString: strerror(e))) (errno \(e))")
    }

    static func retrying<T: FixedWidthInteger>(_ call: () -> T) -> T {
        while true {
            let r = call()
            if r == -1 && errno == EINTR { continue }
            return r
        }
    }
}
