import Foundation
import RefkitCore
import RefkitSystem

#if canImport(Glibc)
import Glibc
import RefkitDigest
#endif

/// Makes and inspects inbox entries the way users and tools do: plain writes, special files,
/// links, and real `cp`/`mv`/`tar` runs.
public enum FileFixtures {
    /// What an entry is, from `lstat` (never followed).
    public enum Kind: Equatable, Sendable {
        case regular, directory, symlink, fifo, socket, other, missing
    }

    /// Writes the bytes (creating parent folders) in one go and closes the file.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FixtureError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try writeAll(fd, bytes[...], path: path)
    }

    /// Writes `text` as UTF-8.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Writes like a slow upload: `chunks` pieces spread over `duration`, the file held open
    /// throughout and closed at the end.
    public static func writeSlowly(_ bytes: [UInt8], to path: String, chunks: Int, over duration: Duration) async throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FixtureError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let size = (bytes.count + chunks - 1) / chunks
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            try writeAll(fd, bytes[offset..<end], path: path)
            offset = end
            // The writer's own pace, not synchronisation: the file stays open between chunks.
            if offset < bytes.count { try await Task.sleep(for: duration / chunks) }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws {
        try bytes.withUnsafeBytes { try DurableFile.writeAll(fd, $0, path: path) }
    }

    /// The file's bytes, or nil when it cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The hex sha256 of the file's bytes.
    public static func sha256(_ path: String) -> String? {
        read(path).map { SHA256Digest.hex(of: $0) }
    }

    public static func kind(_ path: String) -> Kind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        default: return .other
        }
    }

    public static func exists(_ path: String) -> Bool { kind(path) != .missing }

    /// Names in a folder (dot files included), sorted; empty when it does not exist.
    public static func names(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Every regular file below `folder`, as paths relative to it, sorted.
    public static func files(below folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var out: [String] = []
        while let relative = walker.nextObject() as? String {
            if kind("\(folder)/\(relative)") == .regular { out.append(relative) }
        }
        return out.sorted()
    }

    public static func makeFIFO(at path: String) throws {
        guard mkfifo(path, 0o644) == 0 else { throw FixtureError("mkfifo \(path): \(String(cString: strerror(errno)))") }
    }

    /// Binds a unix stream socket at `path` and closes it, leaving the socket file behind.
    public static func makeSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw FixtureError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in bytes.enumerated() { buffer[i] = byte }
            buffer[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw FixtureError("bind \(path): \(String(cString: strerror(errno)))") }
    }

    public static func makeSymlink(at path: String, to target: String) throws {
        guard symlink(target, path) == 0 else { throw FixtureError("symlink \(path): \(String(cString: strerror(errno)))") }
    }

    public static func makeHardLink(at path: String, to existing: String) throws {
        guard link(existing, path) == 0 else { throw FixtureError("link \(path): \(String(cString: strerror(errno)))") }
    }

    public static func linkTarget(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }

    public static func linkCount(_ path: String) -> Int {
        var st = stat()
        return lstat(path, &st) == 0 ? Int(st.st_nlink) : 0
    }

    /// Renames within one filesystem (what `mv` and rsync's final step do).
    public static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw FixtureError("rename \(from): \(String(cString: strerror(errno)))") }
    }

    /// Runs a tool (`cp`, `mv`, `tar`, ...) found on PATH and throws unless it exits 0.
    public static func run(_ arguments: [String], in directory: String? = nil) throws {
        let (status, output) = try ChildProcess.run("/usr/bin/env", arguments, directory: directory)
        guard status == 0 else {
            throw FixtureError("\(arguments.joined(separator: " ")) exited \(status): \(output)")
        }
    }
}
