/// How a root's changes are noticed.
public enum WatchMode: String, Sendable, Hashable, CaseIterable {
    /// inotify on local file systems, polling on network and FUSE file systems.
    case auto
    /// Kernel events (inotify), with periodic full rescans as a safety net.
    case inotify
    /// `lstat` scans every poll interval; for file systems where inotify sees nothing.
    case poll
}

/// One inbox folder to watch.
public struct WatchRoot: Sendable, Hashable {
    /// The watch's name (from the config), reported in every event.
    public var name: String
    /// Absolute path of the inbox folder: a real folder, never a symlink (a symlinked root is
    /// refused: it pauses until a folder is there); nothing inside is followed either.
    public var path: String
    /// Watch and report entries of subfolders too.
    public var recursive: Bool
    /// How long an entry's size, mtime and inode must stay unchanged after its last event.
    public var settle: Duration
    public var mode: WatchMode
    /// Extra `fnmatch(3)` globs matched against entry names; matches are never reported.
    public var ignore: [String]

    public init(
        name: String,
        path: String,
        recursive: Bool = false,
        settle: Duration = .seconds(1),
        mode: WatchMode = .auto,
        ignore: [String] = []
    ) {
        self.name = name
        self.path = path
        self.recursive = recursive
        self.settle = settle
        self.mode = mode
        self.ignore = ignore
    }
}
