#if canImport(Glibc)
import Glibc
#endif

/// The bits of an inotify watch mask or of an event's mask (`<sys/inotify.h>`).
public struct InotifyMask: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The bits as `inotify_add_watch` takes them and `struct inotify_event` carries them.
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    private init(_ flag: Int32) { self.rawValue = UInt32(bitPattern: flag) }

    public static let access = InotifyMask(IN_ACCESS)
    public static let modify = InotifyMask(IN_MODIFY)
    public static let attrib = InotifyMask(IN_ATTRIB)
    public static let closeWrite = InotifyMask(IN_CLOSE_WRITE)
    public static let closeNoWrite = InotifyMask(IN_CLOSE_NOWRITE)
    public static let open = InotifyMask(IN_OPEN)
    public static let movedFrom = InotifyMask(IN_MOVED_FROM)
    public static let movedTo = InotifyMask(IN_MOVED_TO)
    public static let create = InotifyMask(IN_CREATE)
    public static let delete = InotifyMask(IN_DELETE)
    public static let deleteSelf = InotifyMask(IN_DELETE_SELF)
    public static let moveSelf = InotifyMask(IN_MOVE_SELF)

    // Only ever set by the kernel in events.
    public static let unmount = InotifyMask(IN_UNMOUNT)
    public static let queueOverflow = InotifyMask(IN_Q_OVERFLOW)
    public static let ignored = InotifyMask(IN_IGNORED)
    public static let isDirectory = InotifyMask(IN_ISDIR)

    // Only meaningful when adding a watch.
    public static let onlyDirectory = InotifyMask(IN_ONLYDIR)
    public static let dontFollow = InotifyMask(IN_DONT_FOLLOW)
    public static let excludeUnlinked = InotifyMask(IN_EXCL_UNLINK)

    /// The flags' names as in `<sys/inotify.h>` without `IN_`, e.g. `CREATE|ISDIR`.
    public var description: String {
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
