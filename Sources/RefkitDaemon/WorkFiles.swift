import Foundation
import RefkitCore
import RefkitImaging

#if canImport(Glibc)
import Glibc
#endif

/// A kit's durable work files in the state directory: `work/<kit id>/source.jpg` (the
/// normalised source, made once) and each stage's output, fsynced before the database says
/// the stage is done.
struct WorkFiles: Sendable {
    let stateDir: String

    func kitDir(_ kitID: String) -> String { "\(stateDir)/work/\(kitID)" }

    /// Relative to the state directory.
    /// Each generation (`regenerate`) has its own name, so the result it replaces stays readable.
    func stagePath(kitID: String, stage: Stage, attempt: Int, ext: String, generation: Int = 0) -> String {
        let name = stage.fileName.replacingOccurrences(of: "/", with: "__")
        let base = (name as NSString).deletingPathExtension + (generation > 0 ? ".g\(generation)" : "")
        return "work/\(kitID)/\(base).\(attempt).\(ext)"
    }

    func absolute(_ relative: String) -> String { "\(stateDir)/\(relative)" }

    func read(_ relative: String) throws(RefkitError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: absolute(relative)) else {
            throw RefkitError("work_file_missing", "a work file is missing from the state directory", detail: relative)
        }
        return [UInt8](data)
    }

    /// The normalised source of a kit, made from the original on first use.
    func normalisedSource(kitID: String, originalPath: String, maxLongSide: Int) throws(RefkitError) -> [UInt8] {
        let relative = "work/\(kitID)/source.jpg"
        if let data = FileManager.default.contents(atPath: absolute(relative)), !data.isEmpty { return [UInt8](data) }
        guard let original = FileManager.default.contents(atPath: absolute(originalPath)) else {
            throw RefkitError("source_missing", "the kit's original is missing from the state directory", detail: originalPath)
        }
        let image: EncodedImage
        do {
            image = try ImageOps.normaliseSource([UInt8](original), maxLongSide: maxLongSide)
        } catch {
            throw RefkitError("source_normalise_failed", "the source could not be normalised", detail: error.description)
        }
        try write(image.data, to: relative)
        return image.data
    }

    /// temp + fsync + rename + fsync(dir).
    func write(_ bytes: [UInt8], to relative: String) throws(RefkitError) {
        let path = absolute(relative)
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RefkitError("state_unwritable", "cannot create a work folder", detail: "\(dir): \(error.localizedDescription)")
        }
        let temp = "\(stateDir)/tmp/\(UInt64.random(in: 0...UInt64.max)).part"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.writeError(temp) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let error = Self.writeError(path)
                close(fd)
                unlink(temp)
                throw error
            }
            done += n
        }
        if fsync(fd) != 0 {
            let error = Self.writeError(path)
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let error = Self.writeError(path)
            unlink(temp)
            throw error
        }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    static func writeError(_ path: String) -> RefkitError {
        let e = errno
        return RefkitError(e == ENOSPC ? "disk_full" : "state_unwritable", "cannot write a work file", detail: "\(path): \(String(cString: strerror(e)))")
    }
}
