import CRefkitLinux
import Glibc
import RefkitSystem

/// Lists one folder without following symlinks: entry names with their `lstat` (via
/// `fstatat(AT_SYMLINK_NOFOLLOW)` on the open folder, so a folder swapped for a symlink
/// mid-scan is not followed).
enum DirectoryListing {
    struct Entry {
        var name: String
        var snapshot: FileSnapshot
    }

    /// An entry whose name is not valid UTF-8, kept by its bytes.
    struct RawEntry {
        var name: [UInt8]
        var snapshot: FileSnapshot
    }

    /// Outcome of listing one folder.
    enum Outcome {
        case listed([Entry], undecodable: [RawEntry])
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
            return .failed(SystemCallError("fdopendir", errno: code))
        }
        defer { closedir(directory) }

        var entries: [Entry] = []
        var undecodable: [RawEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else { break }
            let bytes: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { Array(UnsafeBufferPointer(start: $0, count: strlen($0))) }
            }.map { UInt8(bitPattern: $0) }
            if bytes == [0x2e] || bytes == [0x2e, 0x2e] { continue }
            var status = stat()
            let result = fstatat(descriptor, bytes.map { CChar(bitPattern: $0) } + [0], &status, AT_SYMLINK_NOFOLLOW)
            if result != 0 { continue }  // vanished between readdir and fstatat
            if let name = String(validating: bytes, as: UTF8.self) {
                entries.append(Entry(name: name, snapshot: FileSnapshot(status)))
            } else {
                undecodable.append(RawEntry(name: bytes, snapshot: FileSnapshot(status)))
            }
        }
        return .listed(entries, undecodable: undecodable)
    }
}
