import Glibc

/// A settled entry of an inbox, as the watcher saw it with `lstat` (never opened).
public struct InboxEntry: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case regular, directory, symlink, fifo, socket, device, other
    }

    public var watch: String
    /// Absolute path.
    public var path: String
    /// Path relative to the inbox root.
    public var relativePath: String
    public var kind: Kind
    public var size: Int64
    public var mtimeNanos: Int64
    public var inode: UInt64
    public var device: UInt64
    public var linkCount: Int

    public init(
        watch: String, path: String, relativePath: String, kind: Kind, size: Int64, mtimeNanos: Int64, inode: UInt64, device: UInt64,
        linkCount: Int
    ) {
        self.watch = watch
        self.path = path
        self.relativePath = relativePath
        self.kind = kind
        self.size = size
        self.mtimeNanos = mtimeNanos
        self.inode = inode
        self.device = device
        self.linkCount = linkCount
    }

    public var fileName: String { String(path.split(separator: "/").last ?? "") }

    /// The name without its last extension: `mira` for `mira.jpg` and `mira.json`.
    public var stem: String {
        let name = fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    public var fileExtension: String {
        let name = fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }

    /// The folder (relative to the inbox) and stem that pair an image with its sidecar.
    public var pairingKey: String {
        let dir = relativePath.split(separator: "/").dropLast().joined(separator: "/")
        return dir.isEmpty ? stem : "\(dir)/\(stem)"
    }

    public var looksLikeOrder: Bool { fileExtension == "json" }
}

extension InboxEntry {
    /// The entry at `path` as `lstat` sees it (never following a symlink); nil when it is gone.
    public static func at(path: String, relativePath: String, watch: String) -> InboxEntry? {
        guard let st = FileSystem.lstatEntry(path) else { return nil }
        return InboxEntry(
            watch: watch, path: path, relativePath: relativePath, kind: FileSystem.kind(of: st), size: Int64(st.st_size),
            mtimeNanos: FileSystem.mtimeNanos(st), inode: UInt64(st.st_ino), device: UInt64(st.st_dev), linkCount: Int(st.st_nlink))
    }

    /// Whether `st` (from `lstat` or `fstat`) is the very entry that was settled and judged: same
    /// device and inode and, but for a folder (whose size and mtime change as files come and
    /// go), same size and mtime. A verdict applies to that entry only, never to a file renamed
    /// over it or rewritten in place since.
    func matches(_ st: stat) -> Bool {
        guard UInt64(st.st_dev) == device, UInt64(st.st_ino) == inode, FileSystem.kind(of: st) == kind else { return false }
        return kind == .directory || (Int64(st.st_size) == size && FileSystem.mtimeNanos(st) == mtimeNanos)
    }
}
