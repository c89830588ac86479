import Foundation
import RefkitCore

/// Moves rejected entries to the watch's `rejected/` folder with `NAME.error.json` beside them,
/// keeping the inbox-relative path. Nothing is deleted.
public struct Quarantine: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// Returns the path the entry now has.
    @discardableResult
    public func reject(_ entry: InboxEntry, _ error: RefkitError) throws(RefkitError) -> String {
        let relativeDir = entry.relativePath.split(separator: "/").dropLast().joined(separator: "/")
        let dir = relativeDir.isEmpty ? root : "\(root)/\(relativeDir)"
        let target = freeName(dir: dir, name: entry.fileName)
        let report = Self.report(error, file: (target as NSString).lastPathComponent)
        try FileSystem.writeAtomically(Array(report.utf8), to: target + ".error.json")
        do {
            try FileSystem.move(entry.path, to: target)
        } catch let moveError {
            if FileSystem.lstatEntry(entry.path) == nil { return target }  // someone took it away meanwhile
            throw moveError
        }
        return target
    }

    /// `{code, message, detail, file, at}`.
    static func report(_ error: RefkitError, file: String) -> String {
        let json = JSONValue.object([
            ("code", .string(error.code)), ("message", .string(error.message)), ("detail", .string(error.detail)), ("file", .string(file)),
            ("at", .string(Timestamp.string())),
        ])
        return json.serialized + "\n"
    }

    /// `NAME`, or `STEM.2.EXT`, `STEM.3.EXT`, … when taken (by the file or its error report).
    func freeName(dir: String, name: String) -> String {
        let ext = (name as NSString).pathExtension
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        var candidate = "\(dir)/\(name)"
        var n = 2
        while FileSystem.lstatEntry(candidate) != nil || FileSystem.lstatEntry(candidate + ".error.json") != nil {
            candidate = ext.isEmpty ? "\(dir)/\(stem).\(n)" : "\(dir)/\(stem).\(n).\(ext)"
            n += 1
        }
        return candidate
    }
}
