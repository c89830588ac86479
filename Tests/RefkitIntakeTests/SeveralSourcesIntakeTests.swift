import Foundation
import RefkitDigest
import RefkitTestSupport
import Testing

/// Issue 17 item 1 on real folders: a `NAME.kit` folder in a recursive inbox, written a file
/// at a time, is one kit; an order's `sources` pair by name; each source is stored once.
@Suite("Intake: several sources on real folders", .timeLimit(.minutes(1)))
struct SeveralSourcesIntakeTests {
    /// A harness whose watch is recursive.
    static func recursiveHarness() throws -> IntakeHarness {
        let directory = try TemporaryDirectory("intake-sources")
        let folders = try IntakeFolders(in: directory)
        let text = folders.configText(settleMs: 150, sidecarWaitMs: 300, imageWaitMs: 800, defaultStages: "core")
            .replacingOccurrences(of: "mode = \"inotify\"", with: "mode = \"inotify\"\nrecursive = true")
        return try IntakeHarness(directory: directory, folders: folders, configText: text)
    }

    @Test("a NAME.kit folder written a file at a time is one kit of all its images once it settles; the folder goes")
    func kitFolderOneFileAtATime() async throws {
        let harness = try Self.recursiveHarness()
        try await harness.start()
        let folder = "\(harness.inbox)/Ayla Rose.kit"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let photos = try (1...3).map { try ImageFixtures.jpeg(seed: UInt64(60 + $0)) }
        try FileFixtures.write(photos[0], to: "\(folder)/b.jpg")
        try await harness.waitForWaiting("Ayla Rose.kit/b.jpg")
        try FileFixtures.write(#"{"character": {"name": "Ayla"}}"#, to: "\(folder)/order.json")
        try await harness.waitForWaiting("Ayla Rose.kit/order.json")
        try FileFixtures.write(photos[1], to: "\(folder)/a.jpg")
        try FileFixtures.write(photos[2], to: "\(folder)/c.png.part")  // never taken: not waited for
        try await harness.waitUntil("the folder taken") { try harness.count("SELECT count(*) FROM kits") == 1 }
        try await harness.stop()
        let kit = try #require(try harness.database.kit("Ayla Rose"))
        #expect(try harness.database.kitSources(kitID: kit.id).map(\.originalName) == ["a.jpg", "b.jpg"])
        #expect(try harness.claims(state: "accepted") == 3)
        #expect(try harness.database.kitOrder(kitID: kit.id).character?.name == "Ayla")
        for photo in photos.prefix(2) {
            let sha = SHA256Digest.hex(of: photo)
            #expect(FileFixtures.read("\(harness.configuration.stateDir)/originals/\(sha.prefix(2))/\(sha).jpg") == photo)
        }
        #expect(FileFixtures.names(in: folder) == ["c.png.part"], "the taken files left the folder; the ignored one stays")
    }

    @Test("another subfolder of a recursive inbox keeps one kit per image")
    func otherSubfolder() async throws {
        let harness = try Self.recursiveHarness()
        try await harness.start()
        try FileManager.default.createDirectory(atPath: "\(harness.inbox)/people", withIntermediateDirectories: false)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 71), to: "\(harness.inbox)/people/x.jpg")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 72), to: "\(harness.inbox)/people/y.jpg")
        try await harness.waitUntil("both taken") { try harness.count("SELECT count(*) FROM kits") == 2 }
        try await harness.stop()
        #expect(Set(try harness.database.kits().map(\.name)) == ["x", "y"])
    }

    @Test("an order's sources arriving before it are taken with it, in the order's order; a re-drop of one is a duplicate")
    func orderTakesEarlierImages() async throws {
        let harness = try IntakeHarness(sidecarWaitMs: 1500)
        try await harness.start()
        let first = try ImageFixtures.jpeg(seed: 81)
        let second = try ImageFixtures.png(seed: 82)
        try FileFixtures.write(first, to: "\(harness.inbox)/one.jpg")
        try FileFixtures.write(second, to: "\(harness.inbox)/two.png")
        try await harness.waitForWaiting("two.png")
        try FileFixtures.write(#"{"kit": "duo", "sources": ["two.png", "one.jpg"]}"#, to: "\(harness.inbox)/duo.json")
        try await harness.waitUntil("duo taken") { try harness.inboxIsEmpty && harness.count("SELECT count(*) FROM kits") == 1 }
        let kit = try #require(try harness.database.kit("duo"))
        #expect(try harness.database.kitSources(kitID: kit.id).map(\.originalName) == ["two.png", "one.jpg"])
        try FileFixtures.write(first, to: "\(harness.inbox)/one again.jpg")
        try await harness.waitUntil("re-drop judged") { try harness.inboxIsEmpty && harness.claims(state: "duplicate") == 1 }
        try await harness.stop()
        #expect(try harness.database.kits().count == 1)
        #expect(await harness.intake.duplicates == 1)
        #expect(FileFixtures.names(in: harness.rejected).isEmpty)
    }
}
