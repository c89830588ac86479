import Glibc

/// The bits of an inotify watch mask or of an event's mask (`<sys/inotify.h>`).
struct InotifyMask: OptionSet, Sendable, Hashable, CustomStringConvertible {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }
    private init(_ flag: Int32) { self.rawValue = UInt32(bitPattern: flag) }

    static let access = InotifyMask(IN_ACCESS)
    static let modify = InotifyMask(IN_MODIFY)
    static let attrib = InotifyMask(IN_ATTRIB)
    static let closeWrite = InotifyMask(IN_CLOSE_WRITE)
    static let closeNoWrite = InotifyMask(IN_CLOSE_NOWRITE)
    static let open = InotifyMask(IN_OPEN)
    static let movedFrom = InotifyMask(IN_MOVED_FROM)
    static let movedTo = InotifyMask(IN_MOVED_TO)
    static let create = InotifyMask(IN_CREATE)
    static let delete = InotifyMask(IN_DELETE)
    static let deleteSelf = InotifyMask(IN_DELETE_SELF)
    static let moveSelf = InotifyMask(IN_MOVE_SELF)

    // Only ever set by the kernel in events.
    static let unmount = InotifyMask(IN_UNMOUNT)
    static let queueOverflow = InotifyMask(IN_Q_OVERFLOW)
    static let ignored = InotifyMask(IN_IGNORED)
    static let isDirectory = InotifyMask(IN_ISDIR)

    // Only meaningful when adding a watch.
    static let onlyDirectory = InotifyMask(IN_ONLYDIR)
    static let dontFollow = InotifyMask(IN_DONT_FOLLOW)
    static let excludeUnlinked = InotifyMask(IN_EXCL_UNLINK)

    /// What an inbox folder is watched for: one watch per folder, never per file.
    static let inboxFolder: InotifyMask = [
        .closeWrite, .movedTo, .create, .modify, .attrib, .delete, .movedFrom,
        .deleteSelf, .moveSelf, .onlyDirectory, .excludeUnlinked,
    ]

    /// The watched folder itself went away (deleted, moved, or its file system unmounted).
    static let folderGone: InotifyMask = [.deleteSelf, .moveSelf, .unmount]
    /// The named entry left the folder.
    static let entryLeft: InotifyMask = [.delete, .movedFrom]
    /// The named entry appeared in the folder.
    static let entryArrived: InotifyMask = [.create, .movedTo]

    var description: String {
        let names: [(InotifyMask, String)] = [
            (.access, "ACCESS"), (.modify, "MODIFY"), (.attrib, "ATTRIB"), (.closeWrite, "CLOSE_WRITE"),
            (.closeNoWrite, "CLOSE_NOWRITE"), (.open, "OPEN"), (.movedFrom, "MOVED_FROM"),
            (.movedTo, "MOVED_TO"), (.create, "CREATE"), (.delete, "DELETE"),
            (.deleteSelf, "DELETE_SELF"), (.moveSelf, "MOVE_SELF"), (.unmount, "UNMOUNT"),
            (.queueOverflow, "Q_OVERFLOW"), (.ignored, "IGNORED"), (.isDirectory, "ISDIR"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: "|")
    }
}
