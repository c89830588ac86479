/// One event read from an inotify descriptor.
public struct InotifyEvent: Sendable, Hashable {
    /// Watch descriptor; -1 for `IN_Q_OVERFLOW`.
    public var watch: Int32
    /// What happened.
    public var mask: InotifyMask
    /// Pairs `IN_MOVED_FROM` with `IN_MOVED_TO` of the same rename.
    public var cookie: UInt32
    /// Raw bytes of the entry name inside the watched folder; empty for events on the folder itself.
    public var name: [UInt8]

    /// An event as the kernel reports it (tests build them by hand).
    public init(watch: Int32, mask: InotifyMask, cookie: UInt32, name: [UInt8]) {
        self.watch = watch
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// Size of the fixed part of `struct inotify_event` (wd, mask, cookie, len).
    public static let headerSize = 16

    /// Parses a buffer filled by `read(2)` on an inotify descriptor: a run of variable-length
    /// `struct inotify_event`, each followed by `len` bytes of NUL-padded name.
    /// A truncated trailing record (which the kernel never produces) is dropped.
    public static func parse(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + headerSize <= buffer.count {
            let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= buffer.count else { break }
            let nameBytes = buffer[nameStart..<(nameStart + length)]
            let name = Array(nameBytes.prefix { $0 != 0 })
            events.append(InotifyEvent(watch: watch, mask: InotifyMask(rawValue: mask), cookie: cookie, name: name))
            offset = nameStart + length
        }
        return events
    }
}
