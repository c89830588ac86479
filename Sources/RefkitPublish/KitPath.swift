import RefkitCore
import RefkitSystem

/// The names allowed inside the outbox. Every name is checked as text before any syscall sees it,
/// and the writer then resolves them with `O_NOFOLLOW`, so neither an order nor a planted
/// symlink can put a file outside the outbox.
enum KitPath {
    static let manifestName = "manifest.json"
    static let sheetName = "sheet.png"
    static let galleryName = "index.html"
    /// Files the publisher writes itself; callers may not supply or list them.
    static let reservedNames: Set<String> = [manifestName, sheetName, galleryName]
    /// Prefix of in-flight temp files; hidden, so the inbox-style ignore rules of other tools skip them too.
    static let temporaryPrefix = DurableFile.temporaryPrefix
    static let maxDepth = 8

    static func validateFolder(_ name: String) throws(RefkitError) {
        if let reason = problem(ofComponent: name) ?? (name.contains("..") ? "contains \"..\"" : nil) {
            throw RefkitError(.outboxUnsafeName, "kit folder name is not safe", detail: "\(quoted(name)): \(reason)")
        }
    }

    /// The components of a kit-relative path, or `outbox_unsafe_name`.
    static func components(of path: String) throws(RefkitError) -> [String] {
        // split(omittingEmptySubsequences: false) keeps the empty pieces of "/etc/x", "a//b", "a/".
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var reason: String?
        if path.isEmpty {
            reason = "empty path"
        } else if path.hasPrefix("/") {
            reason = "absolute path"
        } else if parts.count > maxDepth {
            reason = "more than \(maxDepth) levels deep"
        } else {
            reason = parts.lazy.compactMap(problem(ofComponent:)).first
        }
        if let reason {
            throw RefkitError(.outboxUnsafeName, "file path in a kit is not safe", detail: "\(quoted(path)): \(reason)")
        }
        return parts
    }

    /// As `components(of:)`, and not one of the files the publisher writes itself.
    static func validateCallerPath(_ path: String) throws(RefkitError) {
        _ = try components(of: path)
        if reservedNames.contains(path) {
            throw RefkitError(.outboxUnsafeName, "file path in a kit is not safe", detail: "\(quoted(path)): reserved for the publisher")
        }
    }

    private static func problem(ofComponent name: String) -> String? {
        if name.isEmpty { return "empty name" }
        if name == "." || name == ".." { return "\"\(name)\" component" }
        if name.hasPrefix(".") { return "starts with \".\"" }
        if name.contains("/") { return "contains \"/\"" }
        if name.utf8.count > 255 { return "longer than 255 bytes" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) {
            return "contains a control character or backslash"
        }
        return nil
    }

    private static func quoted(_ s: String) -> String {
        var out = ""
        JSONValue.quote(s, into: &out)
        return out
    }
}
