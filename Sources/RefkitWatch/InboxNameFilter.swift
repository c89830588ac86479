import Glibc

/// Decides which entry names an inbox never reports: temp files of copy tools and
/// browsers, hidden files, and the root's own `ignore` globs.
public struct InboxNameFilter: Sendable {
    /// Extra `fnmatch(3)` patterns matched against the bare file name.
    public var globs: [String]

    /// Suffixes of partial downloads and temp files, compared case-insensitively.
    static let temporarySuffixes = [".part", ".tmp", ".crdownload"]

    public init(globs: [String] = []) {
        self.globs = globs
    }

    /// Whether the inbox never reports an entry of this name (intake asks too: issue 17 item 1).
    public func isIgnored(_ name: String) -> Bool {
        // Dot files include rsync's `.NAME.XXXXXX` temp files; `~$` is an Office lock file.
        if name.hasPrefix(".") || name.hasPrefix("~$") { return true }
        let lowered = name.lowercased()
        if Self.temporarySuffixes.contains(where: { lowered.hasSuffix($0) }) { return true }
        return globs.contains { fnmatch($0, name, 0) == 0 }
    }
}
