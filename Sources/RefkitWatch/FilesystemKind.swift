import Glibc
import RefkitSystem

/// How the file system under a root relates to inotify.
///
/// Glibc's Swift module exports neither `statfs(2)` nor `<sys/vfs.h>`, so the file system
/// type is found by the root's `st_dev` in `/proc/self/mountinfo`, which names the type
/// (`nfs4`, `cifs`, `fuse.sshfs`) that `statfs` would give as a magic number.
struct FilesystemKind: Sendable, Equatable {
    /// Type as mountinfo names it, e.g. `ext4`, `nfs4`, `fuse.sshfs`.
    var typeName: String

    /// Types whose changes may come from other machines, which inotify never sees
    /// (the statfs magics NFS 0x6969, CIFS 0xFF534D42, SMB2 0xFE534D42, SMB 0x517B,
    /// FUSE 0x65735546, and the other network and cluster file systems).
    static let networkTypes: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "ncpfs", "ncp", "afs", "coda", "9p",
        "ceph", "glusterfs", "lustre", "gpfs", "gfs2", "ocfs2", "orangefs", "pvfs2", "beegfs",
        "virtiofs", "davfs", "sshfs", "fuse", "fuseblk",
    ]

    /// True when events for changes cannot be trusted and the root should be polled.
    var needsPolling: Bool {
        let base = typeName.split(separator: ".", maxSplits: 1).first.map(String.init) ?? typeName
        return Self.networkTypes.contains(typeName) || Self.networkTypes.contains(base)
    }

    /// The file system holding a folder whose `st_dev` is `device`; nil when not found.
    static func of(device: UInt64, mountInfo: String? = readMountInfo()) -> FilesystemKind? {
        guard let mountInfo else { return nil }
        let wanted = "\(deviceMajor(device)):\(deviceMinor(device))"
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[2] == wanted,
                let separator = fields.firstIndex(of: "-"), separator + 1 < fields.count
            else { continue }
            return FilesystemKind(typeName: String(fields[separator + 1]))
        }
        return nil
    }

    // glibc's gnu_dev_major / gnu_dev_minor, which sys/sysmacros.h defines inline.
    static func deviceMajor(_ device: UInt64) -> UInt64 {
        ((device >> 8) & 0xfff) | ((device >> 32) & ~UInt64(0xfff))
    }

    static func deviceMinor(_ device: UInt64) -> UInt64 {
        (device & 0xff) | ((device >> 12) & ~UInt64(0xff))
    }

    static func readMountInfo() -> String? {
        readSmallFile("/proc/self/mountinfo")
    }
}

/// Reads a small text file (procfs) with plain syscalls; nil when it cannot be read.
func readSmallFile(_ path: String) -> String? {
    guard let descriptor = try? systemCall("open", { open(path, O_RDONLY | O_CLOEXEC) }) else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
        guard let count = try? systemCall("read", { read(descriptor, &chunk, chunk.count) }) else { return nil }
        if count == 0 { break }
        bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}
