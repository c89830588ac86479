import Foundation
import RefkitCore
import RefkitIntake
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Entries that are hard to put in `rejected/`: on another file system, with a very long name.
/// Each gets one verdict and either a home in `rejected/` or (when it cannot move) a record.
@Suite("Intake: awkward entries", .serialized, .timeLimit(.minutes(2)))
struct AwkwardEntryTests {
    @Test("rejected/ on another file system: a FIFO and a sparse file over the limit are recorded once and left, also after a restart")
    func unmovableEntriesAreRecordedOnce() async throws {
        let limit = 1 << 20
        let first = try IntakeHarness(maxSourceBytes: limit)
        let other = try TinyFilesystem(at: first.rejected, size: "4m")
        defer { other.unmount() }
        try await first.start()
        try FileFixtures.makeFIFO(at: "\(first.inbox)/pipe.jpg")
        let huge = "\(first.inbox)/huge.jpg"
        // A sparse 2 GiB file, closed after it is sized (so it settles at once).
        let fd = open(huge, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        #expect(fd >= 0 && ftruncate(fd, 2 << 30) == 0 && close(fd) == 0)
        let bad = Array("no picture here".utf8)
        try FileFixtures.write(bad, to: "\(first.inbox)/bad.jpg")
        try await first.waitUntil("three verdicts") { try first.claims(state: "rejected") == 3 }
        try await first.stop()
        #expect(FileFixtures.names(in: first.inbox) == ["huge.jpg", "pipe.jpg"])
        #expect(FileFixtures.names(in: other.path) == ["bad.jpg", "bad.jpg.error.json"], "no report without its file")

        // The next start finds them again: they are not judged (nor reported) again.
        let text = first.folders.configText(maxSourceBytes: limit)
        let second = try IntakeHarness(directory: first.directory, folders: first.folders, configText: text)
        try await second.start()
        try await second.waitUntil("the restart's scan handled")
        try await second.stop()
        #expect(FileFixtures.names(in: second.inbox) == ["huge.jpg", "pipe.jpg"])
        #expect(FileFixtures.names(in: other.path) == ["bad.jpg", "bad.jpg.error.json"])
        #expect(try second.count("SELECT count(*) FROM events WHERE type = 'rejected'") == 3)
        #expect(await second.intake.rejected == 0)
    }

    @Test("a name of 245 bytes or more is rejected with a shortened report that keeps the whole name")
    func longNameGetsAVerdict() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let name = String(repeating: "n", count: 246) + ".jpg"  // 250 bytes: NAME.error.json would be 261
        let bytes = Array("still not a picture".utf8)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/\(name)")
        try await harness.waitUntil("the long name rejected") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected(name, code: "source_text_not_image", kind: .regular, bytes: bytes, in: harness.rejected)
        #expect(FileFixtures.names(in: harness.rejected).count == 2)
    }
}

extension AwkwardEntryTests {
    @Test("an image overwritten while it waits for its sidecar: the newer file is taken, the older never existed")
    func overwrittenWhileWaiting() async throws {
        // A long sidecar wait keeps the first image waiting while its replacement settles.
        let harness = try IntakeHarness(sidecarWaitMs: 4000)
        try await harness.start()
        let older = try ImageFixtures.png(seed: 41)
        let newer = try ImageFixtures.png(seed: 42)
        try FileFixtures.write(older, to: "\(harness.inbox)/pic.png")
        try await harness.waitForWaiting("pic.png")
        #expect(await harness.intake.pendingCount == 1)
        try FileFixtures.write(newer, to: "\(harness.inbox)/pic.png")
        try await harness.waitUntil("the newer image taken") { harness.inboxIsEmpty }
        try await harness.stop()
        #expect(FileFixtures.names(in: harness.rejected).isEmpty, "nothing rejected: \(FileFixtures.names(in: harness.rejected))")
        try await IntakeExpectations.takenOnce(["pic.png": newer], by: harness)
    }

    @Test("a sidecar rewritten while it waits for its image: the newer order is the one taken")
    func orderOverwrittenWhileWaiting() async throws {
        let harness = try IntakeHarness(imageWaitMs: 4000)
        try await harness.start()
        try FileFixtures.write(#"{"kit": "Old Name", "stages": ["avatar"]}"#, to: "\(harness.inbox)/pic.json")
        try await harness.waitForWaiting("pic.json")
        #expect(await harness.intake.pendingCount == 1)
        let newer = #"{"kit": "New Name", "stages": ["avatar", "front"]}"#
        try FileFixtures.write(newer, to: "\(harness.inbox)/pic.json")
        // The newer order waits in the older one's place: claimed, and the older one's claim gone.
        try await harness.waitForWaiting("pic.json", times: 2)
        #expect(try harness.count("SELECT count(*) FROM intake_claims WHERE size = \(newer.utf8.count)") == 1)
        #expect(try harness.count("SELECT count(*) FROM intake_claims") == 1)
        let image = try ImageFixtures.png(seed: 43)
        try FileFixtures.write(image, to: "\(harness.inbox)/pic.png")
        try await harness.waitUntil("the pair taken") { harness.inboxIsEmpty }
        try await harness.stop()
        #expect(FileFixtures.names(in: harness.rejected).isEmpty, "nothing rejected: \(FileFixtures.names(in: harness.rejected))")
        #expect(try harness.database.kits().map(\.name) == ["New Name"])
    }
}

extension AwkwardEntryTests {
    /// `path/` followed by raw name bytes, NUL-terminated, for the C calls.
    static func rawPath(_ folder: String, _ name: [UInt8]) -> [CChar] {
        (Array(folder.utf8) + [0x2f] + name).map { CChar(bitPattern: $0) } + [0]
    }

    static func writeRaw(_ folder: String, _ name: [UInt8], _ bytes: [UInt8]) throws {
        let fd = open(rawPath(folder, name), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FixtureError("cannot create a raw-named file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        #expect(write(fd, bytes, bytes.count) == bytes.count)
    }

    static func exists(_ folder: String, _ name: [UInt8]) -> Bool {
        var st = stat()
        return lstat(rawPath(folder, name), &st) == 0
    }

    @Test("a name that is not UTF-8 gets a verdict and moves to rejected/ under the very same bytes")
    func nameNotUTF8() async throws {
        let harness = try IntakeHarness()
        let early: [UInt8] = Array("before".utf8) + [0xff] + Array(".jpg".utf8)  // found by the start-up scan
        let late: [UInt8] = Array("caf".utf8) + [0xe9] + Array(".jpg".utf8)  // found by an event
        let bytes = try ImageFixtures.jpeg(seed: 5)
        try Self.writeRaw(harness.inbox, early, bytes)
        try await harness.start()
        try Self.writeRaw(harness.inbox, late, bytes)
        try await harness.waitUntil("both names rejected") { try harness.claims(state: "rejected") == 2 }
        try await harness.stop()
        for (name, printable) in [(early, "before%FF.jpg"), (late, "caf%E9.jpg")] {
            #expect(!Self.exists(harness.inbox, name), "\(printable) left the inbox")
            #expect(Self.exists(harness.rejected, name), "\(printable) is in rejected/ under its own bytes")
            let report = try IntakeExpectations.errorReport("\(harness.rejected)/\(printable).error.json")
            #expect(report?["code"] as? String == "source_name_not_utf8")
            #expect(report?["file"] as? String == printable)
        }
        #expect(try harness.count("SELECT count(*) FROM intake_claims") == 2)
    }
}
