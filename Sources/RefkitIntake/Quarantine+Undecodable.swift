import CRefkitLinux
import Foundation
import RefkitCore
import RefkitWatch

#if canImport(Glibc)
import Glibc
#endif

extension Quarantine {
    /// Rejects an entry whose name is not UTF-8 by its bytes: renamed (never replacing, its
    /// identity checked before and after, as `FileSystem.move` does) into the same folder below
    /// `rejected/` under the same bytes, or numbered (`STEM.2.EXT`); its report is named after
    /// the printable name (`UndecodableEntry.printableName`). Across file systems it stays in
    /// the inbox (`left`): only a rename keeps such a name exactly.
    func reject(undecodable raw: UndecodableEntry, entry: InboxEntry, _ error: RefkitError) throws(RefkitError) -> Outcome {
        let relativeDir = raw.folder
        let dir = relativeDir.isEmpty ? root : "\(root)/\(relativeDir)"
        try FileSystem.mkdirs(dir)
        let from = open(raw.folderPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard from >= 0 else { return .changed }
        defer { close(from) }
        let to = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard to >= 0 else { throw FileSystem.writeError(dir) }
        defer { close(to) }
        let source = Self.cName(raw.name)
        func isJudged(_ folder: Int32, _ name: [CChar]) -> Bool {
            var st = stat()
            return fstatat(folder, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && entry.matches(st)
        }
        guard isJudged(from, source) else { return .changed }
        for n in 1...10_000 {
            let candidate = RejectedName.numbered(bytes: raw.name, n)
            let printable = UndecodableEntry.printable(candidate)
            let report = "\(dir)/\(RejectedName.report(for: printable))"
            var st = stat()
            if fstatat(to, Self.cName(candidate), &st, AT_SYMLINK_NOFOLLOW) == 0 || FileSystem.lstatEntry(report) != nil { continue }
            guard refkit_renameat_noreplace(from, source, to, Self.cName(candidate)) == 0 else {
                let e = errno
                if e == EEXIST { continue }
                if e == EXDEV {
                    return .left(reason: "a name that is not UTF-8 is kept only by a rename, and rejected/ is on another file system")
                }
                throw RefkitError(.moveFailed, "cannot move the file", detail: "\(entry.path): \(FileSystem.errnoText(e))")
            }
            guard isJudged(to, Self.cName(candidate)) else {
                _ = refkit_renameat_noreplace(to, Self.cName(candidate), from, source)  // not the judged file: put it back
                return .changed
            }
            fsync(to)
            fsync(from)
            try FileSystem.writeAtomically(Array(Self.report(error, file: printable).utf8), to: report)
            return .moved(path: "\(dir)/\(printable)")
        }
        throw RefkitError(.moveFailed, "no free name in rejected/", detail: entry.relativePath)
    }

    static func cName(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }
}
