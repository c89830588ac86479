import Foundation
import RefkitCore

#if canImport(Glibc)
import Glibc
#endif

/// Which file a path names (device and inode): a file deleted or replaced under a process that
/// holds it open has another (or no) identity at its path, while the open handle still reaches
/// the old one.
public struct InodeIdentity: Sendable, Equatable {
    /// The file system's device number (`st_dev`).
    public var device: UInt64
    /// The file's inode number on that device (`st_ino`).
    public var inode: UInt64

    /// The identity of the file at `path` now; nil when there is none (or it cannot be stat'ed).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

extension StateDirectory {
    /// Before the database is opened (which would create an empty one): a state directory with
    /// work files or originals but no database has lost it, and starting would forget every kit,
    /// let the janitor remove their work files and reset the day's spend.
    public func checkDatabasePresent() throws(RefkitError) {
        guard InodeIdentity(path: databasePath) == nil else { return }
        var held: [String] = []
        for folder in [layout.work, layout.originals] {
            // A folder that cannot be listed holds nothing this check can name; opening the database decides.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            held += names.map { "\((folder as NSString).lastPathComponent)/\($0)" }
        }
        guard held.isEmpty else {
            throw RefkitError(
                .databaseMissing,
                "the state database is missing but the state directory holds kits' files; refusing to start with an empty one",
                detail: "\(databasePath) is absent; \(held.count) entries in work/ and originals/ (restore the database from a backup)")
        }
    }
}
