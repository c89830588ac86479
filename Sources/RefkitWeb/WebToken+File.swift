import CRefkitLinux
import Foundation
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

extension WebToken {
    /// The token in `path`, made there first if there is none: 0600, written and fsynced under a
    /// temporary name, then renamed into place without replacing (two processes starting at once,
    /// `refkit run` and `refkit web-url`, end with the same token), and the folder fsynced.
    /// - Throws: a token file that is a symlink or not a regular file, is open to group or others,
    ///   or does not hold a token; or the failing call. Each names the file.
    public static func loadOrCreate(at path: String) throws(WebTokenError) -> WebToken {
        if let token = try load(at: path) { return token }
        let (folder, name) = split(path)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WebTokenError(file: path, reason: "cannot create its folder \(folder): \(error.localizedDescription)")
        }
        do throws(SystemCallError) {
            let directory = try systemCall("open", path: folder) { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            defer { close(directory) }
            let token = random()
            let temporary = DurableFile.temporaryPrefix + String(UInt64.random(in: .min ... .max), radix: 36)
            let file = try systemCall("create", path: "\(folder)/\(temporary)") {
                openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            }
            var renamed = false
            defer { if !renamed { unlinkat(directory, temporary, 0) } }
            do throws(SystemCallError) {
                // Exactly 0600 whatever the umask: the mode check on reading refuses anything wider.
                try systemCall("fchmod", path: path) { fchmod(file, 0o600) }
                try DurableFile.writeAll(file, Array((token.value + "\n").utf8), path: path)
                try systemCall("fsync", path: path) { fsync(file) }
            } catch {
                close(file)
                throw error
            }
            guard close(file) == 0 else { throw SystemCallError("close", path: path, errno: Glibc.errno) }
            if refkit_renameat_noreplace(directory, temporary, directory, name) != 0 {
                guard errno == EEXIST else { throw SystemCallError("rename", path: path, errno: Glibc.errno) }
            } else {
                renamed = true
                try DurableFile.sync(directory, path: folder)
                return token
            }
        } catch {
            throw WebTokenError(file: path, reason: error.description)
        }
        // Another process made it first: its token is the one.
        guard let token = try load(at: path) else { throw WebTokenError(file: path, reason: "vanished while it was being made") }
        return token
    }

    /// The token in `path`, or nil when there is no such file.
    /// - Throws: as `loadOrCreate`, but never makes the file.
    public static func load(at path: String) throws(WebTokenError) -> WebToken? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw WebTokenError(file: path, reason: "is a symbolic link; the token is read only from a regular file") }
            throw WebTokenError(file: path, reason: "cannot open it: \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw WebTokenError(file: path, reason: "cannot stat it: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw WebTokenError(file: path, reason: "is not a regular file") }
        if let problem = modeProblem(status.st_mode) { throw WebTokenError(file: path, reason: problem) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw WebTokenError(file: path, reason: "cannot read it: \(String(cString: strerror(errno)))") }
        guard let token = WebToken(String(decoding: bytes[..<count], as: UTF8.self)) else {
            throw WebTokenError(
                file: path,
                reason: "does not hold a token: \(acceptableLength.lowerBound)-\(acceptableLength.upperBound) characters of "
                    + "A-Z a-z 0-9 - _ . ~ (delete it and refkit makes a new one)")
        }
        return token
    }

    /// `/a/b/c` -> (`/a/b`, `c`); `c` -> (`.`, `c`).
    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (slash == path.startIndex ? "/" : String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
