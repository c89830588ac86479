import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension OutboxPublisher {
    /// Removes temp files and staged kit folders (`.refkit-tmp-*`) older than `age` seconds anywhere
    /// under the outbox: leftovers of a crash mid-write or mid-switch. Younger ones may belong to a
    /// publish in flight. Symlinks are never followed. Returns how many were removed.
    @discardableResult
    public func removeStaleTemporaries(olderThan age: Double = 60) -> Int {
        let cutoff = Date().timeIntervalSince1970 - age
        return Self.removeTemporaries(in: outbox, before: cutoff, depth: 0)
    }

    private static func removeTemporaries(in directory: String, before cutoff: Double, depth: Int) -> Int {
        // Kit folders are at most KitPath.maxDepth deep; deeper trees are not ours.
        guard depth <= KitPath.maxDepth + 1, let stream = opendir(directory) else { return 0 }
        defer { closedir(stream) }
        var removed = 0
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let path = "\(directory)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR where name.hasPrefix(KitPath.temporaryPrefix):
                // A staged kit version never switched in, or an old one not yet removed.
                let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                if modified < cutoff, (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
            case S_IFDIR:
                removed += removeTemporaries(in: path, before: cutoff, depth: depth + 1)
            case S_IFREG where name.hasPrefix(KitPath.temporaryPrefix):
                let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                if modified < cutoff, unlink(path) == 0 { removed += 1 }
            default:
                continue
            }
        }
        return removed
    }
}
