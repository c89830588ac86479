import Foundation
import RefkitCore
import RefkitIntake
import RefkitTestSupport
import RefkitWatch
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Carrying out a rejection on real files: only the judged entry moves, across file systems by
/// streaming with its mode kept, and a report never exists without its file.
@Suite("Intake: quarantine", .serialized, .timeLimit(.minutes(1)))
struct QuarantineTests {
    static let verdict = RefkitError(.sourceNotImage, "not an image", detail: "test")

    @Test("a good file renamed over the judged one is not moved under the judged file's verdict")
    func verdictAppliesToTheJudgedFileOnly() throws {
        let dir = try TemporaryDirectory("quarantine")
        let inbox = try dir.folder("inbox")
        let rejected = try dir.folder("rejected")
        try FileFixtures.write(Array("not a picture".utf8), to: "\(inbox)/pic.jpg")
        let judged = try #require(InboxEntry.at(path: "\(inbox)/pic.jpg", relativePath: "pic.jpg", watch: "test"))
        // While the bad file is being judged, a good one is renamed over it.
        let good = try ImageFixtures.jpeg(seed: 7)
        try FileFixtures.write(good, to: "\(dir.path)/staging.jpg")
        try FileFixtures.rename("\(dir.path)/staging.jpg", to: "\(inbox)/pic.jpg")

        let outcome = try Quarantine(root: rejected, maxCopyBytes: 1 << 20).reject(judged, Self.verdict)
        #expect(outcome == .changed)
        #expect(FileFixtures.read("\(inbox)/pic.jpg") == good, "the good file stays in the inbox, untouched")
        #expect(FileFixtures.names(in: rejected).isEmpty, "no file and no report in rejected/")
    }

    @Test("across file systems a rejected file is copied with its mode and bytes, then leaves the inbox")
    func crossFileSystemCopyKeepsMode() throws {
        let dir = try TemporaryDirectory("quarantine")
        let inbox = try dir.folder("inbox")
        let other = try TinyFilesystem(at: dir.url("rejected"), size: "4m")
        defer { other.unmount() }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try FileFixtures.write(bytes, to: "\(inbox)/bad.jpg")
        #expect(chmod("\(inbox)/bad.jpg", 0o640) == 0)
        let entry = try #require(InboxEntry.at(path: "\(inbox)/bad.jpg", relativePath: "bad.jpg", watch: "test"))

        let outcome = try Quarantine(root: other.path, maxCopyBytes: 1 << 20).reject(entry, Self.verdict)
        #expect(outcome == .moved(path: "\(other.path)/bad.jpg"))
        #expect(FileFixtures.read("\(other.path)/bad.jpg") == bytes)
        var st = stat()
        #expect(stat("\(other.path)/bad.jpg", &st) == 0 && st.st_mode & 0o7777 == 0o640, "mode \(String(st.st_mode & 0o7777, radix: 8))")
        #expect(FileFixtures.exists("\(other.path)/bad.jpg.error.json"))
        #expect(!FileFixtures.exists("\(inbox)/bad.jpg"))
        #expect(!FileFixtures.names(in: other.path).contains { $0.hasPrefix(".refkit-tmp-") })
    }

    /// The copy is a new file owned by the daemon: a set-user-ID or set-group-ID bit kept from
    /// someone else's drop would make an executable that runs as refkit (or as root).
    @Test("across file systems a rejected file's copy never gets set-user-ID, set-group-ID or sticky bits")
    func crossFileSystemCopyDropsSpecialBits() throws {
        let dir = try TemporaryDirectory("quarantine")
        let inbox = try dir.folder("inbox")
        let other = try TinyFilesystem(at: dir.url("rejected"), size: "4m")
        defer { other.unmount() }
        try FileFixtures.write(Array("#!/bin/sh\nid\n".utf8), to: "\(inbox)/evil.jpg")
        #expect(chown("\(inbox)/evil.jpg", 65534, 65534) == 0)
        #expect(chmod("\(inbox)/evil.jpg", 0o7755) == 0)
        let entry = try #require(InboxEntry.at(path: "\(inbox)/evil.jpg", relativePath: "evil.jpg", watch: "test"))

        let outcome = try Quarantine(root: other.path, maxCopyBytes: 1 << 20).reject(entry, Self.verdict)
        #expect(outcome == .moved(path: "\(other.path)/evil.jpg"))
        var st = stat()
        #expect(stat("\(other.path)/evil.jpg", &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o755, "mode \(String(st.st_mode & 0o7777, radix: 8)) owned by uid \(st.st_uid)")
    }

    @Test("across file systems, a FIFO, a folder and a file over the copy limit stay in the inbox, with no report")
    func crossFileSystemUnmovableEntriesStay() throws {
        let dir = try TemporaryDirectory("quarantine")
        let inbox = try dir.folder("inbox")
        let other = try TinyFilesystem(at: dir.url("rejected"), size: "4m")
        defer { other.unmount() }
        try FileFixtures.makeFIFO(at: "\(inbox)/pipe.jpg")
        try dir.folder("inbox/folder.jpg")
        // Sparse: 64 MiB that takes no disk, far more than the 4 MiB file system could take.
        let huge = "\(inbox)/huge.jpg"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil) && truncate(huge, 64 << 20) == 0)

        let quarantine = Quarantine(root: other.path, maxCopyBytes: 1 << 20)
        for name in ["pipe.jpg", "folder.jpg", "huge.jpg"] {
            let entry = try #require(InboxEntry.at(path: "\(inbox)/\(name)", relativePath: name, watch: "test"))
            let outcome = try quarantine.reject(entry, Self.verdict)
            guard case .left = outcome else {
                Issue.record("\(name): \(outcome)")
                continue
            }
            #expect(FileFixtures.exists("\(inbox)/\(name)"), "\(name) stays in the inbox")
        }
        #expect(FileFixtures.names(in: other.path).isEmpty, "no report without its file: \(FileFixtures.names(in: other.path))")
    }

    @Test("names fit in 255 bytes: long reports are shortened deterministically, apart, at a character boundary")
    func longNames() {
        let long = String(repeating: "é", count: 120) + "-a.jpg"  // 246 bytes
        let twin = String(repeating: "é", count: 120) + "-b.jpg"
        #expect(RejectedName.report(for: "pic.jpg") == "pic.jpg.error.json")
        let report = RejectedName.report(for: long)
        #expect(report.utf8.count <= 255 && report.hasSuffix(".error.json") && report.hasPrefix("éé"))
        #expect(report == RejectedName.report(for: long), "deterministic")
        #expect(report != RejectedName.report(for: twin), "two long names never share a report")
        let longest = String(repeating: "x", count: 251) + ".png"
        #expect(RejectedName.numbered(longest, 1) == longest, "the file keeps its own name")
        let second = RejectedName.numbered(longest, 2)
        #expect(second.utf8.count <= 255 && second.hasSuffix(".2.png"))
        #expect(RejectedName.numbered("pic.jpg", 3) == "pic.3.jpg")
        #expect(RejectedName.numbered("README", 2) == "README.2")
    }
}
