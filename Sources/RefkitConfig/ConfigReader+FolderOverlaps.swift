import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Folders that must not hold one another. An inbox takes in (and rejects) whatever appears
/// below it, so the state directory (database, originals), an outbox or a `rejected/` folder
/// below an inbox would be eaten by the daemon that writes them; an inbox below the state
/// directory is the same overlap seen from the other side. Checked on the paths as written and
/// on the paths their existing symlinks lead to, so a link cannot hide an overlap.
extension ConfigReader {
    func checkFolderOverlaps(stateDir: String, watches: [Configuration.Watch]) throws(ConfigError) {
        let state = FolderPath(stateDir)
        for (i, watch) in watches.enumerated() {
            let inbox = FolderPath(watch.inbox)
            if inbox.overlaps(state) {
                let how = inbox.isInside(state) ? "is inside the state directory \(stateDir)" : "holds the state directory \(stateDir)"
                throw fail("watch[\(i)].inbox", "inbox \(watch.inbox) \(how); refkit would take in its own database and originals")
            }
            for other in watches {
                for (label, path) in [("outbox", other.outbox), ("rejected", other.rejected)] where FolderPath(path).isInside(inbox) {
                    let owner = other.name == watch.name ? "" : " of watch \"\(other.name)\""
                    throw fail(
                        "watch[\(i)].inbox",
                        "inbox \(watch.inbox) holds the \(label) folder\(owner) (\(path)); it would take in what refkit writes")
                }
            }
        }
    }
}

/// A folder as written and as its symlinks resolve.
struct FolderPath {
    let written: String
    let resolved: String

    init(_ path: String) {
        written = (path as NSString).standardizingPath
        resolved = Self.resolve(written)
    }

    /// True when this folder is `other` or below it, as written or as resolved.
    func isInside(_ other: FolderPath) -> Bool {
        Self.contains(other.written, written) || Self.contains(other.resolved, resolved)
    }

    func overlaps(_ other: FolderPath) -> Bool { isInside(other) || other.isInside(self) }

    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || inner.hasPrefix(outer.hasSuffix("/") ? outer : outer + "/")
    }

    /// `realpath` of the longest existing leading part, with the rest (not made yet) appended;
    /// a dangling symlink on the way is followed to where it points (the folder is made there).
    static func resolve(_ path: String, depth: Int = 0) -> String {
        var head = path
        var tail: [String] = []
        while head != "/" && !head.isEmpty {
            if let real = realpath(head, nil) {
                defer { free(real) }
                return join(String(cString: real), tail.reversed())
            }
            let parent = (head as NSString).deletingLastPathComponent
            if depth < 40, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: head) {
                let absolute = target.hasPrefix("/") ? target : (parent as NSString).appendingPathComponent(target)
                return resolve(join((absolute as NSString).standardizingPath, tail.reversed()), depth: depth + 1)
            }
            tail.append((head as NSString).lastPathComponent)
            head = parent
        }
        return path
    }

    private static func join(_ head: String, _ rest: [String]) -> String {
        rest.reduce(head) { ($0 as NSString).appendingPathComponent($1) }
    }
}
