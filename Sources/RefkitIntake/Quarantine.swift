import Foundation
import RefkitCore
import RefkitWatch

/// Moves rejected entries to the watch's `rejected/` folder with their report beside them,
/// keeping the inbox-relative path. Nothing is deleted.
public struct Quarantine: Sendable {
    public let root: String
    /// The largest file copied when `rejected/` is on another file system than the inbox
    /// (`[limits] max_source_bytes`): a bigger one stays in the inbox.
    public let maxCopyBytes: Int64

    public init(root: String, maxCopyBytes: Int64) {
        self.root = root
        self.maxCopyBytes = maxCopyBytes
    }

    /// What became of a rejected entry.
    public enum Outcome: Sendable, Equatable {
        /// Moved to `path`, with its report (`RejectedName.report`) beside it.
        case moved(path: String)
        /// The inbox path no longer holds the judged entry: the verdict was not about what is
        /// there now, so nothing moved.
        case changed
        /// It cannot go to `rejected/` (another file system, and a kind or size that is not
        /// copied, `reason`): it stays in the inbox, with no report.
        case left(reason: String)
    }

    /// Moves the entry, then writes its report: a report never exists without its file.
    @discardableResult
    public func reject(_ entry: InboxEntry, _ error: RefkitError) throws(RefkitError) -> Outcome {
        let relativeDir = entry.relativePath.split(separator: "/").dropLast().joined(separator: "/")
        let dir = relativeDir.isEmpty ? root : "\(root)/\(relativeDir)"
        let target = freeName(dir: dir, name: entry.fileName)
        switch try FileSystem.move(entry, to: target, maxCopyBytes: maxCopyBytes) {
        case .changed:
            return .changed
        case .unmovable(let reason):
            return .left(reason: reason)
        case .moved:
            let name = (target as NSString).lastPathComponent
            try FileSystem.writeAtomically(Array(Self.report(error, file: name).utf8), to: "\(dir)/\(RejectedName.report(for: name))")
            return .moved(path: target)
        }
    }

    /// `{code, message, detail, file, at}`.
    static func report(_ error: RefkitError, file: String) -> String {
        let json = JSONValue.object([
            ("code", .string(error.code.rawValue)), ("message", .string(error.message)), ("detail", .string(error.detail)),
            ("file", .string(file)),
            ("at", .string(Timestamp.string())),
        ])
        return json.serialized + "\n"
    }

    /// The first `RejectedName.numbered` candidate free both as the file and as its report.
    func freeName(dir: String, name: String) -> String {
        var n = 1
        while true {
            let candidate = RejectedName.numbered(name, n)
            if FileSystem.lstatEntry("\(dir)/\(candidate)") == nil,
                FileSystem.lstatEntry("\(dir)/\(RejectedName.report(for: candidate))") == nil
            {
                return "\(dir)/\(candidate)"
            }
            n += 1
        }
    }
}
