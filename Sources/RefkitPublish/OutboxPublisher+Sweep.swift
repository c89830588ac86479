#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension OutboxPublisher {
    /// Removes the regular files of a kit folder that the manifest no longer lists (a stage that
    /// failed when made again, a result whose type changed, an obsolete sheet), so the folder
    /// holds exactly what the manifest says. Runs after the manifest is durable; symlinks are
    /// never followed, temp files of a publish are left to the janitor. Returns the removed paths.
    static func sweepUnlisted(kitFolder: String, keep: Set<String>) -> [String] {
        var removed: [String] = []
        var dirty: Set<String> = []
        func walk(_ relative: String) {
            let dir = relative.isEmpty ? kitFolder : "\(kitFolder)/\(relative)"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
            for name in names where !name.hasPrefix(KitPath.temporaryPrefix) {
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                var st = stat()
                guard lstat("\(kitFolder)/\(path)", &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: walk(path)
                case S_IFREG:
                    if !keep.contains(path), unlink("\(kitFolder)/\(path)") == 0 {
                        removed.append(path)
                        dirty.insert(dir)
                    }
                default: continue
                }
            }
        }
        walk("")
        for dir in dirty {
            let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
        return removed
    }
}
