import Glibc
import Testing

@testable import RefkitWatch

/// The pure parts: name rules, settle decisions, file system classes.
@Suite("Watch decisions")
struct WatchDecisionTests {
    @Test(
        "temp, hidden and globbed names are ignored",
        arguments: [
            (".mira.jpg.Ab12Cd", true), (".hidden", true), ("a.part", true), ("a.PART", true), ("b.tmp", true),
            ("c.jpg.crdownload", true), ("~$doc.docx", true), ("notes.txt", true), ("raw.cr2", true),
            ("mira.jpg", false), ("mira.json", false), ("part", false), ("~mira.jpg", false), ("tmp.jpg", false),
        ])
    func nameFilter(name: String, ignored: Bool) {
        let filter = InboxNameFilter(globs: ["*.txt", "raw.*"])
        #expect(filter.isIgnored(name) == ignored)
    }

    static let second: Int64 = 1_000_000_000

    static func snapshot(size: Int64 = 10, mtime: Int64 = 1, inode: UInt64 = 5, kind: InboxEntry.Kind = .regular) -> FileSnapshot {
        FileSnapshot(kind: kind, size: size, mtimeNanos: mtime, inode: inode, device: 1, linkCount: 1)
    }

    @Test("an entry is ready once it stayed unchanged for the settle time, and only once")
    func settles() {
        var tracker = SettleTracker(settle: .seconds(1))
        let file = Self.snapshot()
        tracker.observe("a.jpg", file, cause: .event(.closed), now: 0)
        #expect(tracker.nextDeadline() == Self.second)
        #expect(tracker.due(now: Self.second - 1).isEmpty)
        #expect(tracker.due(now: Self.second) == ["a.jpg"])
        #expect(tracker.confirm("a.jpg", file, now: Self.second) == .ready(file))
        #expect(tracker.pending.isEmpty)
        // The same version again (a rescan, an IN_ATTRIB) is not reported again.
        tracker.observe("a.jpg", file, cause: .scan, now: 2 * Self.second)
        tracker.observe("a.jpg", file, cause: .event(.unknown), now: 2 * Self.second)
        #expect(tracker.pending.isEmpty)
        #expect(tracker.nextDeadline() == nil)
    }

    @Test("a change seen at the deadline re-arms it; each event pushes it back")
    func rearms() {
        var tracker = SettleTracker(settle: .seconds(1))
        tracker.observe("a.jpg", Self.snapshot(size: 1), cause: .event(.closed), now: 0)
        tracker.observe("a.jpg", Self.snapshot(size: 1), cause: .event(.unknown), now: Self.second / 2)
        #expect(tracker.due(now: Self.second).isEmpty)
        #expect(tracker.due(now: Self.second * 3 / 2) == ["a.jpg"])
        let grown = Self.snapshot(size: 2, mtime: 2)
        #expect(tracker.confirm("a.jpg", grown, now: Self.second * 3 / 2) == .waiting)
        #expect(tracker.due(now: Self.second * 5 / 2) == ["a.jpg"])
        #expect(tracker.confirm("a.jpg", grown, now: Self.second * 5 / 2) == .ready(grown))
    }

    @Test("a file a writer still holds open waits for its close, or for the grace period")
    func openWriter() {
        var tracker = SettleTracker(settle: .seconds(1), openWriterGrace: .seconds(10))
        let file = Self.snapshot()
        tracker.observe("up.jpg", file, cause: .event(.opened), now: 0)
        #expect(tracker.due(now: Self.second) == ["up.jpg"])
        #expect(tracker.confirm("up.jpg", file, now: Self.second) == .waiting)
        tracker.observe("up.jpg", file, cause: .event(.closed), now: 2 * Self.second)
        #expect(tracker.due(now: 3 * Self.second) == ["up.jpg"])
        #expect(tracker.confirm("up.jpg", file, now: 3 * Self.second) == .ready(file))

        tracker.observe("stalled.jpg", file, cause: .event(.opened), now: 0)
        var now: Int64 = 0
        var decision = SettleTracker.Decision.waiting
        while decision == .waiting {
            now = tracker.nextDeadline()!
            #expect(tracker.due(now: now) == ["stalled.jpg"])
            decision = tracker.confirm("stalled.jpg", file, now: now)
        }
        #expect(decision == .ready(file))
        #expect(now >= 10 * Self.second)

        // After an overflow the close may have been lost: settling alone decides.
        tracker.observe("lost.jpg", file, cause: .event(.opened), now: 0)
        tracker.forgetWriterHints()
        #expect(tracker.due(now: Self.second) == ["lost.jpg"])
        #expect(tracker.confirm("lost.jpg", file, now: Self.second) == .ready(file))
    }

    @Test("a removed entry is forgotten and reported again when it comes back")
    func forgetting() {
        var tracker = SettleTracker(settle: .zero)
        let file = Self.snapshot()
        tracker.observe("a.jpg", file, cause: .scan, now: 0)
        #expect(tracker.due(now: 0) == ["a.jpg"])
        #expect(tracker.confirm("a.jpg", file, now: 0) == .ready(file))
        tracker.forget("a.jpg")
        tracker.observe("a.jpg", file, cause: .event(.closed), now: 1)
        #expect(tracker.due(now: 1) == ["a.jpg"])
        #expect(tracker.confirm("a.jpg", file, now: 1) == .ready(file))
        // Gone at the deadline: dropped.
        tracker.observe("b.jpg", file, cause: .scan, now: 2)
        #expect(tracker.confirm("b.jpg", nil, now: 2) == .dropped)
        #expect(tracker.pending.isEmpty)
    }

    @Test("a full scan drops what it did not find; a folder's entries go with it")
    func reconcile() {
        var tracker = SettleTracker(settle: .zero)
        for name in ["a.jpg", "sub/b.jpg", "sub/c/d.jpg", "subway.jpg"] {
            tracker.observe(name, Self.snapshot(), cause: .scan, now: 0)
        }
        for path in tracker.due(now: 0) { _ = tracker.confirm(path, Self.snapshot(), now: 0) }
        #expect(tracker.emitted.count == 4)
        tracker.forget(under: "sub")
        #expect(Set(tracker.emitted.keys) == ["a.jpg", "subway.jpg"])
        tracker.reconcile(found: ["a.jpg": Self.snapshot()], now: 1)
        #expect(Set(tracker.emitted.keys) == ["a.jpg"])
        #expect(tracker.pending.isEmpty)
    }

    @Test("a folder is the same folder while its inode lives")
    func folderIdentity() {
        let before = Self.snapshot(size: 4096, mtime: 1, kind: .directory)
        let after = Self.snapshot(size: 8192, mtime: 2, kind: .directory)
        #expect(before.identity == after.identity)
        #expect(before.settleKey != after.settleKey)
    }

    @Test(
        "network and FUSE file systems are polled, local ones watched",
        arguments: [
            ("nfs", true), ("nfs4", true), ("cifs", true), ("smb3", true), ("fuse.sshfs", true), ("fuse", true),
            ("9p", true), ("ceph", true), ("ext4", false), ("xfs", false), ("btrfs", false), ("tmpfs", false),
            ("overlay", false), ("zfs", false),
        ])
    func networkFilesystems(type: String, polled: Bool) {
        #expect(FilesystemKind(typeName: type).needsPolling == polled)
    }

    @Test("the file system of a folder is found by its device in mountinfo")
    func mountInfoLookup() {
        let mountInfo = """
            22 27 0:21 / /proc rw,relatime - proc proc rw
            27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
            40 27 0:45 / /srv/share rw,relatime shared:1 - nfs4 nas:/export rw,vers=4.2
            41 27 259:65538 / /mnt/big rw - xfs /dev/nvme0n1p2 rw
            """
        func device(_ major: UInt64, _ minor: UInt64) -> UInt64 {
            ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32)
        }
        #expect(FilesystemKind.of(device: device(0, 45), mountInfo: mountInfo)?.typeName == "nfs4")
        #expect(FilesystemKind.of(device: device(254, 0), mountInfo: mountInfo)?.typeName == "ext4")
        #expect(FilesystemKind.of(device: device(259, 65538), mountInfo: mountInfo)?.typeName == "xfs")
        #expect(FilesystemKind.of(device: device(8, 1), mountInfo: mountInfo) == nil)
        // And for real: this machine's temp folder.
        var status = stat()
        #expect(stat("/tmp", &status) == 0)
        #expect(FilesystemKind.of(device: UInt64(status.st_dev)) != nil)
    }

    @Test("durations convert to nanoseconds")
    func durations() {
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(7).nanoseconds == 7)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
    }
}
