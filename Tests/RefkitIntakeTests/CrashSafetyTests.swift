import Foundation
import RefkitCore
import RefkitDigest
import RefkitIntake
import RefkitStore
import RefkitTestSupport
import Testing

/// A stop at any point of intake loses nothing and duplicates nothing at the next start.
@Suite("Intake: crash safety", .timeLimit(.minutes(1)))
struct CrashSafetyTests {
    @Test("accepted in the database but not yet unlinked: the next run removes the inbox file, no second kit")
    func crashAfterAccept() async throws {
        let harness = try IntakeHarness()
        let bytes = try ImageFixtures.jpeg(seed: 71)
        let path = "\(harness.inbox)/phoenix.jpg"
        try FileFixtures.write(bytes, to: path)

        // What intake does up to the commit, then "crash": the inbox file stays.
        let entry = try CheckTests.entry(path, relativeTo: harness.inbox)
        let claim = try harness.database.claim(
            FileIdentity(
                watch: harness.watchName, path: entry.relativePath, device: entry.device, inode: entry.inode, size: entry.size,
                mtimeNanos: entry.mtimeNanos))
        guard case .claimed(let claimID) = claim else { throw FixtureError("unexpected \(claim)") }
        let sha = SHA256Digest.hex(of: bytes)
        let stored = try OriginalStore(stateDir: harness.configuration.stateDir).store(bytes, sha256: sha, ext: "jpg")
        let outcome = try harness.database.accept(
            claims: [claimID], watch: harness.watchName, kitName: "phoenix", priority: 10,
            source: NewSource(
                sha256: sha, format: .jpeg, width: 64, height: 48, bytes: Int64(bytes.count), storedPath: stored,
                originalName: "phoenix.jpg"),
            order: NewOrder(origin: .default, json: "{}", fileName: nil),
            plan: KitPlan.plan(for: harness.configuration.watches[0].defaultOrder))
        guard case .newKit = outcome else { throw FixtureError("unexpected \(outcome)") }
        #expect(FileFixtures.exists(path))

        try await harness.start()
        try await harness.waitUntil("phoenix.jpg removed from the inbox") { harness.inboxIsEmpty }
        try await harness.stop()
        #expect(try harness.count("SELECT count(*) FROM sources") == 1)
        #expect(try harness.count("SELECT count(*) FROM kits") == 1)
        #expect(try harness.count("SELECT count(*) FROM intake_claims") == 1)
        #expect(try harness.claims(state: "accepted") == 1)
        #expect(FileFixtures.names(in: harness.rejected).isEmpty)
        #expect(FileFixtures.sha256("\(harness.configuration.stateDir)/\(stored)") == sha)
        #expect(await harness.intake.accepted == 0, "nothing taken anew")
    }

    @Test("claimed but not finished (stopped mid-intake): the claim is released and the file taken once")
    func crashAfterClaim() async throws {
        let harness = try IntakeHarness()
        let bytes = try ImageFixtures.png(seed: 72)
        let path = "\(harness.inbox)/ember.png"
        try FileFixtures.write(bytes, to: path)
        let entry = try CheckTests.entry(path, relativeTo: harness.inbox)
        _ = try harness.database.claim(
            FileIdentity(
                watch: harness.watchName, path: entry.relativePath, device: entry.device, inode: entry.inode, size: entry.size,
                mtimeNanos: entry.mtimeNanos))

        try await harness.start()
        try await harness.waitUntil("ember.png taken") { harness.inboxIsEmpty }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(["ember.png": bytes], by: harness)
    }

    @Test("a second run over the same state takes only new files")
    func restart() async throws {
        let first = try IntakeHarness()
        try await first.start()
        let a = try ImageFixtures.jpeg(seed: 73)
        try FileFixtures.write(a, to: "\(first.inbox)/first.jpg")
        try await first.waitUntil("first.jpg taken") { first.inboxIsEmpty }
        try await first.stop()

        let b = try ImageFixtures.jpeg(seed: 74)
        try FileFixtures.write(b, to: "\(first.inbox)/second.jpg")
        let second = try IntakeHarness(directory: first.directory, folders: first.folders, configText: first.folders.configText())
        try await second.start()
        try await second.waitUntil("second.jpg taken") { second.inboxIsEmpty }
        try await second.stop()
        #expect(try second.count("SELECT count(*) FROM sources") == 2)
        #expect(try second.count("SELECT count(*) FROM kits") == 2)
        #expect(await second.intake.accepted == 1)
    }
}
