import Glibc
import RefkitSystem

/// What `lstat` says about one entry. Never obtained by opening or following the entry.
struct FileSnapshot: Sendable, Hashable {
    var kind: InboxEntry.Kind
    var size: Int64
    var mtimeNanos: Int64
    var inode: UInt64
    var device: UInt64
    var linkCount: Int

    init(kind: InboxEntry.Kind, size: Int64, mtimeNanos: Int64, inode: UInt64, device: UInt64, linkCount: Int) {
        self.kind = kind
        self.size = size
        self.mtimeNanos = mtimeNanos
        self.inode = inode
        self.device = device
        self.linkCount = linkCount
    }

    init(_ status: stat) {
        kind = InboxEntry.Kind(mode: status.st_mode)
        size = Int64(status.st_size)
        mtimeNanos = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        inode = UInt64(status.st_ino)
        device = UInt64(status.st_dev)
        linkCount = Int(status.st_nlink)
    }

    /// `lstat(2)` of `path`; nil when the entry does not exist (or cannot be examined).
    static func lstatOf(_ path: String) -> FileSnapshot? {
        var status = stat()
        guard (try? systemCall("lstat", { lstat(path, &status) })) != nil else { return nil }
        return FileSnapshot(status)
    }

    /// What must stay unchanged for the settle time.
    var settleKey: SettleKey {
        SettleKey(kind: kind, size: size, mtimeNanos: mtimeNanos, inode: inode, device: device)
    }

    /// What makes an entry "the same" for emit-once: a folder is the same folder while its
    /// inode lives, whatever happens inside it.
    var identity: SettleKey {
        kind == .directory
            ? SettleKey(kind: kind, size: 0, mtimeNanos: 0, inode: inode, device: device)
            : settleKey
    }
}

/// The fields that decide whether an entry changed.
struct SettleKey: Sendable, Hashable {
    var kind: InboxEntry.Kind
    var size: Int64
    var mtimeNanos: Int64
    var inode: UInt64
    var device: UInt64
}
