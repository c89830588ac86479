import Foundation
import Glibc
import RefkitSystem
import RefkitTestSupport
import Testing

@Suite("Durable file replacement", .serialized)
struct DurableFileTests {
    private func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o7777
    }

    /// The process's umask, read without setting it (other tests run in parallel).
    private func currentUmask() throws -> mode_t {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        return try #require(mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
    }

    private func names(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("a new file holds the bytes, with the mode the umask allows, and no temporary file is left")
    func newFile() throws {
        let dir = try TemporaryDirectory("durable")
        let path = "\(dir.path)/summary.json"
        try DurableFile.replace(at: path, with: Array("{}\n".utf8), mode: 0o666)
        #expect(FileManager.default.contents(atPath: path) == Data("{}\n".utf8))
        #expect(mode(path) == 0o666 & ~(try currentUmask()), "open(2) applied the umask")
        #expect(try names(dir.path) == ["summary.json"])
    }

    @Test("an exact mode is set whatever the umask; an existing file is replaced whole")
    func exactModeAndReplace() throws {
        let dir = try TemporaryDirectory("durable")
        let path = "\(dir.path)/refkit.prom"
        try FileFixtures.write(String(repeating: "old line\n", count: 100), to: path)
        try DurableFile.replace(at: path, with: Array("x 1\n".utf8), mode: 0o666, exactMode: true)
        #expect(FileManager.default.contents(atPath: path) == Data("x 1\n".utf8))
        #expect(mode(path) == 0o666)
        #expect(try names(dir.path) == ["refkit.prom"])
    }

    @Test("the temporary file can be made in another folder of the file system, and is gone after")
    func temporaryFolder() throws {
        let dir = try TemporaryDirectory("durable")
        let work = try dir.folder("work/k1")
        let tmp = try dir.folder("tmp")
        try DurableFile.replace(at: "\(work)/source.jpg", with: [1, 2, 3], temporaryFolder: tmp)
        #expect(FileManager.default.contents(atPath: "\(work)/source.jpg") == Data([1, 2, 3]))
        #expect(try names(tmp).isEmpty && names(work) == ["source.jpg"])
    }

    @Test("under an open folder, with the folder synced once by the caller")
    func underOpenFolder() throws {
        let dir = try TemporaryDirectory("durable")
        let folder = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(folder) }
        try DurableFile.replace(named: "a.png", in: folder, folder: dir.path, with: [7], syncFolder: false)
        try DurableFile.replace(named: "b.png", in: folder, folder: dir.path, with: [8], syncFolder: false)
        try DurableFile.sync(folder, path: dir.path)
        #expect(try names(dir.path) == ["a.png", "b.png"])
    }

    @Test("on a read-only file system the failing call is reported with its file, and nothing is left")
    func readOnlyFileSystem() throws {
        let dir = try TemporaryDirectory("durable")
        let tmp = try dir.folder("tmp")
        let readOnly = dir.url("ro")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        guard mount("tmpfs", readOnly, "tmpfs", UInt(MS_RDONLY), "size=1m") == 0 else {
            throw FixtureError("cannot mount a read-only tmpfs at \(readOnly): \(String(cString: strerror(errno))) (the test needs root)")
        }
        defer { umount2(readOnly, Int32(MNT_DETACH)) }
        let target = "\(readOnly)/manifest.json"

        // Beside the target: the temporary file cannot be made.
        let create = #expect(throws: SystemCallError.self) { try DurableFile.replace(at: target, with: [1]) }
        #expect(create?.operation == "create" && create?.errno.rawValue == EROFS)
        #expect(create?.path?.hasPrefix("\(readOnly)/\(DurableFile.temporaryPrefix)") == true)

        // Made elsewhere: written and synced, then the rename into the read-only folder fails.
        let rename = #expect(throws: SystemCallError.self) { try DurableFile.replace(at: target, with: [1], temporaryFolder: tmp) }
        #expect(rename?.operation == "rename" && rename?.path == target)
        #expect([EROFS, EXDEV].contains(rename?.errno.rawValue ?? 0))
        #expect(try names(tmp).isEmpty, "the temporary file is removed")
        #expect(try names(readOnly).isEmpty)
    }

    @Test("a missing folder is reported as the open of that folder")
    func missingFolder() {
        #expect(throws: SystemCallError("open", path: "/nonexistent/refkit", errno: ENOENT)) {
            try DurableFile.replace(at: "/nonexistent/refkit/x", with: [1])
        }
    }
}
