import RefkitCore
import RefkitDigest

/// One kit folder during a publish: the staged folder being filled (`root`) beside the version
/// published now (`previous`, if any). Opens subfolders on demand, takes a file unchanged since the
/// previous version as a hard link to it (no copy, same inode), and remembers the SHA-256 of every
/// file it has written or read, so nothing is hashed twice.
final class KitFolder {
    private let root: OutboxDirectory
    private let previous: OutboxDirectory?
    private var directories: [String: OutboxDirectory] = [:]
    private var previousDirectories: [String: OutboxDirectory?] = [:]
    /// Kit-relative path → bytes known to be on disk now.
    private var known: [String: [UInt8]] = [:]
    private var digests: [String: String] = [:]
    /// Folders with renames not yet made durable (one fsync per folder, before the manifest).
    private var unsynced: [String: OutboxDirectory] = [:]

    init(root: OutboxDirectory, previous: OutboxDirectory? = nil) {
        self.root = root
        self.previous = previous
    }

    /// Makes `path` hold `bytes`: a hard link to the previous version's file when its bytes are
    /// the same, else a new file.
    func place(_ bytes: [UInt8], at path: String) throws(RefkitError) {
        let (directory, name) = try locate(path)
        let digest = SHA256Digest.hex(of: bytes)
        let before = try previousDirectory(of: path)
        if let before, let existing = try before.contents(of: name), existing.count == bytes.count,
            SHA256Digest.hex(of: existing) == digest, directory.link(name, from: before)
        {
            // Already published: not written again.
        } else {
            try directory.write(bytes, to: name, syncDirectory: false)
        }
        unsynced[directory.path] = directory
        known[path] = bytes
        digests[path] = digest
    }

    /// Makes every rename so far durable: one fsync per folder written to.
    func syncWritten() throws(RefkitError) {
        for directory in unsynced.values { try directory.sync() }
        unsynced.removeAll()
    }

    /// The bytes at `path`: from this publish, or carried over from the previous version (linked
    /// into the staged folder); `outbox_missing_file` when neither has it.
    func bytes(of path: String) throws(RefkitError) -> [UInt8] {
        if let bytes = known[path] { return bytes }
        let (directory, name) = try locate(path)
        if let bytes = try directory.contents(of: name) {
            known[path] = bytes
            return bytes
        }
        guard let before = try previousDirectory(of: path), let bytes = try before.contents(of: name) else {
            throw RefkitError(
                .outboxMissingFile, "a file the manifest lists is not in the kit folder", detail: "\(directory.path)/\(name)")
        }
        try place(bytes, at: path)
        return bytes
    }

    func sha256(of path: String) throws(RefkitError) -> String {
        if let digest = digests[path] { return digest }
        let digest = SHA256Digest.hex(of: try bytes(of: path))
        digests[path] = digest
        return digest
    }

    /// `manifest` with every missing SHA-256 filled in, after checking that each listed file
    /// exists with its listed SHA-256.
    func verified(_ manifest: ManifestDocument) throws(RefkitError) -> ManifestDocument {
        var resolved = manifest
        if let source = manifest.source {
            resolved.source?.sha256 = try check(source.file, expected: source.sha256)
        }
        if let locked = manifest.lockedReference { _ = try bytes(of: locked.file) }
        for i in resolved.stages.indices {
            if let file = resolved.stages[i].file { resolved.stages[i].sha256 = try check(file, expected: resolved.stages[i].sha256) }
            if let previous = resolved.stages[i].previous {
                resolved.stages[i].previous?.sha256 = try check(previous.file, expected: previous.sha256)
            }
        }
        for i in resolved.candidates.indices {
            if let file = resolved.candidates[i].file {
                resolved.candidates[i].sha256 = try check(file, expected: resolved.candidates[i].sha256)
            }
        }
        return resolved
    }

    private func check(_ path: String, expected: String?) throws(RefkitError) -> String {
        let actual = try sha256(of: path)
        if let expected, expected.lowercased() != actual {
            throw RefkitError(
                .outboxChecksumMismatch, "a file in the kit folder does not match the manifest",
                detail: "\(path): manifest says \(expected), file is \(actual)")
        }
        return actual
    }

    /// The previous version's directory holding `path`, if it has one (never created).
    private func previousDirectory(of path: String) throws(RefkitError) -> OutboxDirectory? {
        guard var directory = previous else { return nil }
        let components = try KitPath.components(of: path).dropLast()
        var prefix = ""
        for component in components {
            prefix += prefix.isEmpty ? component : "/\(component)"
            if let open = previousDirectories[prefix] {
                guard let open else { return nil }
                directory = open
                continue
            }
            let next = try directory.existingChild(component)
            previousDirectories[prefix] = next
            guard let next else { return nil }
            directory = next
        }
        return directory
    }

    /// The open directory holding `path` and the file's own name, creating folders on the way.
    private func locate(_ path: String) throws(RefkitError) -> (OutboxDirectory, String) {
        var components = try KitPath.components(of: path)
        let name = components.removeLast()
        var directory = root
        var prefix = ""
        for component in components {
            prefix += prefix.isEmpty ? component : "/\(component)"
            if let open = directories[prefix] {
                directory = open
            } else {
                directory = try directory.child(component)
                directories[prefix] = directory
            }
        }
        return (directory, name)
    }
}
