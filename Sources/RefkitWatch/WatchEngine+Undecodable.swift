import CRefkitLinux
import Glibc

/// What makes an entry with a name that is not UTF-8 "the same" for report-once.
struct UndecodableKey: Hashable {
    var folder: String
    var name: [UInt8]
    var key: SettleKey
}

/// Entries whose names are not valid UTF-8 are not settled (their names cannot travel as
/// `String` paths): each is reported once per identity as soon as a scan or an event finds it,
/// so intake can give it a verdict by its bytes instead of skipping it for ever.
extension WatchEngine {
    /// Reports what was not reported yet; a scan of the whole root also forgets entries gone.
    func reportUndecodable(_ index: Int, _ found: [(folder: String, entry: DirectoryListing.RawEntry)], wholeRoot: Bool) {
        var seen: Set<UndecodableKey> = []
        for (folder, entry) in found {
            let key = UndecodableKey(folder: folder, name: entry.name, key: entry.snapshot.settleKey)
            seen.insert(key)
            if roots[index].undecodableReported.insert(key).inserted { emitUndecodable(index, folder: folder, entry) }
        }
        if wholeRoot { roots[index].undecodableReported = seen }
    }

    /// An inotify event for such a name: `lstat` it below the root and report it if new.
    func undecodableEvent(_ index: Int, folder: String, name: [UInt8]) {
        guard let root = openVerifiedRoot(index) else { return }
        defer { close(root) }
        let relative = (folder.isEmpty ? [] : Array(folder.utf8) + [0x2f]) + name
        var status = stat()
        guard refkit_lstat_beneath(root, relative.map { CChar(bitPattern: $0) } + [0], &status) == 0 else { return }
        reportUndecodable(index, [(folder, DirectoryListing.RawEntry(name: name, snapshot: FileSnapshot(status)))], wholeRoot: false)
    }

    private func emitUndecodable(_ index: Int, folder: String, _ entry: DirectoryListing.RawEntry) {
        let root = roots[index]
        let snapshot = entry.snapshot
        emit(
            .undecodableName(
                UndecodableEntry(
                    root: root.config.name, folderPath: root.absolute(folder), folder: folder, name: entry.name,
                    kind: snapshot.kind, size: snapshot.size, mtimeNanos: snapshot.mtimeNanos, inode: snapshot.inode,
                    device: snapshot.device, linkCount: snapshot.linkCount
                )))
    }
}
