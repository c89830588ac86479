import Foundation
import RefkitCore

/// Content-addressed originals in the state directory: `originals/ab/<sha256>.<ext>`. Written
/// from the very bytes that were validated; never deleted by processing.
public struct OriginalStore: Sendable {
    public let stateDir: String

    public init(stateDir: String) { self.stateDir = stateDir }

    /// The path relative to the state directory.
    public static func relativePath(sha256: String, ext: String) -> String {
        "originals/\(sha256.prefix(2))/\(sha256).\(ext)"
    }

    public func absolutePath(_ relative: String) -> String { "\(stateDir)/\(relative)" }

    /// Stores bytes under their hash (idempotent) and returns the relative path.
    public func store(_ bytes: [UInt8], sha256: String, ext: String) throws(RefkitError) -> String {
        let relative = Self.relativePath(sha256: sha256, ext: ext)
        let path = absolutePath(relative)
        if let st = FileSystem.lstatEntry(path), Int64(st.st_size) == Int64(bytes.count) { return relative }
        try FileSystem.writeAtomically(bytes, to: path)
        return relative
    }
}
