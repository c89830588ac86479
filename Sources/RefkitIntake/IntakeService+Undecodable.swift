import Logging
import RefkitConfig
import RefkitCore
import RefkitStore
import RefkitWatch

extension IntakeService {
    /// An entry whose name is not valid UTF-8: claimed once (by its printable name and its
    /// identity) and rejected with `source_name_not_utf8`, moved to `rejected/` under the very
    /// same bytes. Nothing else can be done with it: its name cannot pair with a sidecar, name a
    /// kit, or reach a manifest.
    public func handle(undecodable raw: UndecodableEntry) {
        guard let watch = watches[raw.root] else { return }
        defer { events.publish(.stepFinished(waiting: pendingCount)) }
        let printable = raw.printableName
        let relative = raw.folder.isEmpty ? printable : "\(raw.folder)/\(printable)"
        let entry = InboxEntry(
            watch: raw.root, path: "\(raw.folderPath)/\(printable)", relativePath: relative,
            kind: raw.kind, size: raw.size, mtimeNanos: raw.mtimeNanos, inode: raw.inode,
            device: raw.device, linkCount: raw.linkCount)
        let identity = FileIdentity(
            watch: raw.root, path: relative, device: raw.device, inode: raw.inode, size: raw.size, mtimeNanos: raw.mtimeNanos)
        let metadata: Logger.Metadata = ["watch": "\(raw.root)", "file": "\(relative)", "code": "source_name_not_utf8"]
        let claimID: Int64
        do {
            guard case .claimed(let id) = try database.claim(identity) else { return }  // judged before (left where it is)
            claimID = id
        } catch {
            logger.error("cannot claim an inbox file", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return
        }
        let error = RefkitError(
            .sourceNameNotUtf8, "the file name is not valid UTF-8", detail: "\(relative) (bytes that are not UTF-8 are shown as %XX)")
        settleRejection(claimID: claimID, watch: raw.root, subject: relative, error, metadata: metadata) {
            try quarantine(watch).reject(undecodable: raw, entry: entry, error)
        }
    }
}
