import Foundation
import RefkitCore
import RefkitImaging
import RefkitSystem

#if canImport(Glibc)
import Glibc
#endif

/// A kit's durable work files in the state directory: `work/<kit id>/source.jpg` (the
/// normalised source, made once) and each stage's output, fsynced before the database says
/// the stage is done.
public struct WorkFiles: Sendable {
    public let stateDir: String

    public init(stateDir: String) { self.stateDir = stateDir }

    public func kitDir(_ kitID: String) -> String { StateLayout(root: stateDir).work(kitID: kitID) }

    /// Relative to the state directory.
    /// Each generation (`regenerate`) has its own name, so the result it replaces stays readable.
    public func stagePath(kitID: String, stage: Stage, attempt: Int, ext: String, generation: Int = 0) -> String {
        let name = stage.fileName.replacingOccurrences(of: "/", with: "__")
        let base = (name as NSString).deletingPathExtension + (generation > 0 ? ".g\(generation)" : "")
        return "work/\(kitID)/\(base).\(attempt).\(ext)"
    }

    public func absolute(_ relative: String) -> String { "\(stateDir)/\(relative)" }

    /// A work file's bytes; for a kit whose work files the janitor removed, its published copy
    /// (the caller checks it against the stage's recorded sha256 before using it in a manifest).
    public func read(_ relative: String) throws(RefkitError) -> [UInt8] {
        if let data = FileManager.default.contents(atPath: absolute(relative)) { return [UInt8](data) }
        if let published = publishedCopy(of: relative), let data = FileManager.default.contents(atPath: published) { return [UInt8](data) }
        throw RefkitError(.workFileMissing, "a work file is missing from the state directory", detail: relative)
    }

    /// The note the janitor leaves in a pruned kit's folder: the kit's outbox folder.
    public static let publishedNote = "published"

    /// Whether a kit's folder holds work files (anything but the janitor's note).
    public func hasWorkFiles(kitID: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: kitDir(kitID))) ?? []).contains { $0 != Self.publishedNote }
    }

    /// `work/KIT/expressions__smile.2.png` -> `OUTBOX/KIT/expressions/smile.png`, when the kit was pruned.
    public func publishedCopy(of relative: String) -> String? {
        let parts = relative.split(separator: "/").map(String.init)
        guard parts.count == 3, parts[0] == "work",
            let note = FileManager.default.contents(atPath: "\(kitDir(parts[1]))/\(Self.publishedNote)"),
            let folder = String(data: note, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !folder.isEmpty
        else { return nil }
        let ext = (parts[2] as NSString).pathExtension
        var stem = (parts[2] as NSString).deletingPathExtension
        if let dot = stem.lastIndex(of: "."), Int(stem[stem.index(after: dot)...]) != nil { stem = String(stem[..<dot]) }
        // A regenerated stage's work file carries its generation (`side.g2.1.png`).
        if let dot = stem.lastIndex(of: "."), stem[stem.index(after: dot)...].first == "g",
            Int(stem[stem.index(dot, offsetBy: 2)...]) != nil
        {
            stem = String(stem[..<dot])
        }
        let name = stem.replacingOccurrences(of: "__", with: "/") + (ext.isEmpty ? "" : ".\(ext)")
        guard !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        return "\(folder)/\(name)"
    }

    /// The normalised source of a kit, made from the original on first use.
    public func normalisedSource(kitID: String, originalPath: String, maxLongSide: Int) throws(RefkitError) -> [UInt8] {
        try normalised(originalPath: originalPath, maxLongSide: maxLongSide, to: "work/\(kitID)/source.jpg")
    }

    /// An original normalised (a JPEG at most `maxLongSide`) into the work file `relative`, made
    /// on first use: a kit's source, or one of its further sources (`WorkFiles+Sources`).
    func normalised(originalPath: String, maxLongSide: Int, to relative: String) throws(RefkitError) -> [UInt8] {
        if let data = FileManager.default.contents(atPath: absolute(relative)), !data.isEmpty { return [UInt8](data) }
        guard let original = FileManager.default.contents(atPath: absolute(originalPath)) else {
            throw RefkitError(.sourceMissing, "the kit's original is missing from the state directory", detail: originalPath)
        }
        let image: EncodedImage
        do {
            image = try ImageOps.normaliseSource([UInt8](original), maxLongSide: maxLongSide)
        } catch {
            throw RefkitError(.sourceNormaliseFailed, "the source could not be normalised", detail: error.description)
        }
        try write(image.data, to: relative)
        return image.data
    }

    /// Durably (`DurableFile`), its temp file in `tmp/`, which a start clears of what a crash left.
    public func write(_ bytes: [UInt8], to relative: String) throws(RefkitError) {
        let path = absolute(relative)
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RefkitError(.stateUnwritable, "cannot create a work folder", detail: "\(dir): \(error.localizedDescription)")
        }
        do {
            try DurableFile.replace(at: path, with: bytes, temporaryFolder: StateLayout(root: stateDir).temporary)
        } catch {
            throw Self.writeError(error.path ?? path, error.errno.rawValue)
        }
    }

    static func writeError(_ path: String, _ code: Int32) -> RefkitError {
        let detail = "\(path): \(String(cString: strerror(code)))"
        return RefkitError(code == ENOSPC ? .diskFull : .stateUnwritable, "cannot write a work file", detail: detail)
    }
}
