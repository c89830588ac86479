import Glibc

/// A settled entry of an inbox, as the watcher saw it with `lstat` (never opened): what the
/// watcher reports (`InboxEvent.ready`) and what intake claims, judges and pairs.
public struct InboxEntry: Sendable, Hashable {
    /// What an inbox entry is, from `lstat` (symlinks are never followed).
    public enum Kind: String, Sendable, Hashable {
        case regular, directory, symlink, fifo, socket, device, other
    }

    /// Name of the watch (`WatchRoot.name`) whose inbox holds it.
    public var watch: String
    /// Absolute path.
    public var path: String
    /// Path below the inbox root, `/`-separated.
    public var relativePath: String
    public var kind: Kind
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var mtimeNanos: Int64
    public var inode: UInt64
    public var device: UInt64
    /// Hard-link count; above 1 the same bytes have other names, possibly outside the inbox.
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

    /// The last path component: `mira.jpg`.
    public var fileName: String { String(path.split(separator: "/").last ?? "") }

    /// The name without its last extension: `mira` for `mira.jpg` and `mira.json`.
    public var stem: String {
        let name = fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The last extension, lowercased, without its dot (`""` when there is none).
    public var fileExtension: String {
        let name = fileName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}

extension InboxEntry {
    init(watch: String, path: String, relativePath: String, _ snapshot: FileSnapshot) {
        self.init(
            watch: watch, path: path, relativePath: relativePath, kind: snapshot.kind, size: snapshot.size, mtimeNanos: snapshot.mtimeNanos,
            inode: snapshot.inode, device: snapshot.device, linkCount: snapshot.linkCount)
    }

    /// The entry at `path` as `lstat` sees it (never following a symlink); nil when it is gone.
    public static func at(path: String, relativePath: String, watch: String) -> InboxEntry? {
        FileSnapshot.lstatOf(path).map { InboxEntry(watch: watch, path: path, relativePath: relativePath, $0) }
    }

    /// Whether `status` (from `lstat` or `fstat`) is the very entry that was settled and judged:
    /// same device and inode and, but for a folder (whose size and mtime change as files come and
    /// go), same size and mtime. A verdict applies to that entry only, never to a file renamed
    /// over it or rewritten in place since.
    public func matches(_ status: stat) -> Bool {
        let now = FileSnapshot(status)
        guard now.device == device, now.inode == inode, now.kind == kind else { return false }
        return kind == .directory || (now.size == size && now.mtimeNanos == mtimeNanos)
    }
}

extension InboxEntry.Kind {
    /// The kind `st_mode` describes.
    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR, S_IFBLK: self = .device
        case S_IFDIR: self = .directory
        default: self = .other
        }
    }
}
