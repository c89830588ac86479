import CSystem
import Glibc

/// Lists one folder without following symlinks: entry names with their `lstat` (via
/// `fstatat(AT_SYMLINK_NOFOLLOW)` on the open folder, so a folder swapped for a symlink
/// mid-scan is not followed).
enum DirectoryListing {
    struct Entry {
        var name: String
        var snapshot: FileSnapshot
    }

    /// Outcome of listing one folder.
    enum Outcome {
        case listed([Entry], undecodableNames: Int)
        case failed(SystemCallError)
    }

    /// Lists `relative` (`""`: the root itself) below the open root folder `root`, with no
    /// symlink anywhere on the way: a watch never leaves its root.
    static func list(beneath root: Int32, _ relative: String) -> Outcome {
        let descriptor: Int32
        do {
            descriptor = try systemCall("openat2") { refkit_open_folder_beneath(root, relative.isEmpty ? "." : relative) }
        } catch {
            return .failed(error)
        }
        guard let directory = fdopendir(descriptor) else {
            let code = errno
            close(descriptor)
            return .failed(SystemCallError(call: "fdopendir", errno: code))
        }
        defer { closedir(directory) }

        var entries: [Entry] = []
        var undecodable = 0
        while true {
            errno = 0
            guard let entry = readdir(directory) else { break }
            let decoded: String? = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { String(validatingCString: $0) }
            }
            guard let name = decoded else {
                undecodable += 1
                continue
            }
            if name == "." || name == ".." { continue }
            var status = stat()
            let result = fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW)
            if result != 0 { continue }  // vanished between readdir and fstatat
            entries.append(Entry(name: name, snapshot: FileSnapshot(status)))
        }
        return .listed(entries, undecodableNames: undecodable)
    }
}
