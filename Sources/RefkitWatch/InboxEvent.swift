import RefkitSystem

/// What the inbox watcher reports. The watcher does not also log these: its consumer logs
/// each event once, in its own shape (the daemon's `inbox rescanned`, `inbox paused`, ...).
public enum InboxEvent: Sendable, Hashable {
    /// An entry stayed unchanged for the settle time; reported once per (path, inode, size, mtime).
    case ready(InboxEntry)
    /// The root folder vanished, moved, was unmounted or replaced; nothing under it is
    /// reported until it comes back. Not a deletion of its files.
    case rootPaused(root: String, reason: String)
    /// A paused root is back; a rescan (`.rescanned(reason: .resumed)`) follows.
    case rootResumed(root: String)
    /// A full scan of the root finished; `entries` is how many reportable entries it saw.
    /// The scan's entries are queued for settling when this is emitted.
    case rescanned(root: String, reason: RescanReason, entries: Int)
    /// How the root is watched, and why.
    case modeChosen(root: String, mode: WatchMode, reason: String)
    /// The folders to watch come close to (above 80% of) `fs.inotify.max_user_watches`.
    case watchLimit(folders: Int, limit: Int)
    /// An entry whose name is not valid UTF-8, reported when a scan or an event finds it (once
    /// per identity). Such a name cannot be a Swift `String` path, so it is never settled or
    /// paired, only judged by its bytes.
    case undecodableName(UndecodableEntry)
}

/// An entry whose name is not valid UTF-8, with its `lstat` values.
public struct UndecodableEntry: Sendable, Hashable {
    public var root: String
    /// The folder holding it: absolute, and below the root (`""`: the root itself).
    public var folderPath: String
    public var folder: String
    /// The name's bytes, exactly as on disk.
    public var name: [UInt8]
    public var kind: InboxEntry.Kind
    public var size: Int64
    public var mtimeNanos: Int64
    public var inode: UInt64
    public var device: UInt64
    public var linkCount: Int

    public init(
        root: String, folderPath: String, folder: String, name: [UInt8], kind: InboxEntry.Kind, size: Int64, mtimeNanos: Int64,
        inode: UInt64, device: UInt64, linkCount: Int
    ) {
        self.root = root
        self.folderPath = folderPath
        self.folder = folder
        self.name = name
        self.kind = kind
        self.size = size
        self.mtimeNanos = mtimeNanos
        self.inode = inode
        self.device = device
        self.linkCount = linkCount
    }

    /// The name with each byte that is not part of valid UTF-8 written `%XX`: for logs, the
    /// database and reports, never to reach the file.
    public var printableName: String { Self.printable(name) }

    public static func printable(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            if length > 0, i + length <= bytes.count, let scalar = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                out += scalar
                i += length
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(lead >> 4)]) + String(hex[Int(lead & 15)])
                i += 1
            }
        }
        return out
    }
}

/// Why a full rescan ran.
public enum RescanReason: String, Sendable, Hashable {
    case startup
    /// The kernel dropped events (`IN_Q_OVERFLOW`).
    case overflow
    /// The safety-net rescan every `rescanInterval`.
    case periodic
    /// `InboxWatcher.rescan(root:)` asked for it.
    case requested
    /// A paused root came back.
    case resumed
}

/// Why the watcher could not run.
public struct WatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code, e.g. `watch.already_running`, `watch.inotify_unavailable`.
    public var code: String
    public var message: String
    public var cause: SystemCallError?

    public init(code: String, message: String, cause: SystemCallError? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        cause.map { "\(code): \(message) (\($0))" } ?? "\(code): \(message)"
    }
}
