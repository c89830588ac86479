import Foundation
import RefkitTestSupport
import Testing

/// Identical sources dropped again make nothing new unless the order asks for more.
@Suite("Intake: repeated sources", .timeLimit(.minutes(1)))
struct DuplicateTests {
    @Test("the same image dropped twice: one source, one kit, the second drop recorded as duplicate")
    func droppedTwice() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let bytes = try ImageFixtures.jpeg(seed: 51)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/echo.jpg")
        try await harness.waitUntil("first echo taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 1 }
        try FileFixtures.write(bytes, to: "\(harness.inbox)/echo.jpg")
        try await harness.waitUntil("second echo judged") { try harness.inboxIsEmpty && (harness.claims(state: "duplicate")) == 1 }
        try await harness.stop()
        #expect(try harness.count("SELECT count(*) FROM sources") == 1)
        #expect(try harness.count("SELECT count(*) FROM kits") == 1)
        #expect(try harness.count("SELECT count(*) FROM stages") == 5, "no stage added")
        #expect(try harness.count("SELECT count(*) FROM events WHERE type = 'duplicate'") == 1)
        #expect(await harness.intake.accepted == 1)
        #expect(await harness.intake.duplicates == 1)
        #expect(FileFixtures.names(in: harness.rejected).isEmpty)
    }

    @Test("the same bytes under another name, without a sidecar, are a duplicate of the first kit (nothing paid again)")
    func sameBytesAnotherName() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let bytes = try ImageFixtures.jpeg(seed: 53)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/photo.jpg")
        try await harness.waitUntil("photo taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 1 }
        let kitID = try #require(try harness.database.kits().first?.id)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/photo (2).jpg")
        try await harness.waitUntil("second download judged") { try harness.inboxIsEmpty && (harness.claims(state: "duplicate")) == 1 }
        try await harness.stop()
        #expect(try harness.database.kits().map(\.id) == [kitID], "no second kit")
        #expect(try harness.count("SELECT count(*) FROM sources") == 1)
        #expect(try harness.count("SELECT count(*) FROM events WHERE type = 'duplicate' AND kit_id = '\(kitID)'") == 1)
        #expect(await harness.intake.duplicates == 1)
        #expect(FileFixtures.names(in: harness.rejected).isEmpty)
    }

    @Test("the same bytes with a sidecar naming a new kit make that kit")
    func sameBytesSidecarNamesNewKit() async throws {
        let harness = try IntakeHarness(sidecarWaitMs: 1500)
        try await harness.start()
        let bytes = try ImageFixtures.png(seed: 54)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/photo.png")
        try await harness.waitUntil("photo taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 1 }
        try FileFixtures.write(#"{"schema": "refkit.order/1", "kit": "someone else"}"#, to: "\(harness.inbox)/other.json")
        try FileFixtures.write(bytes, to: "\(harness.inbox)/other.png")
        try await harness.waitUntil("other taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 3 }
        try await harness.stop()
        #expect(Set(try harness.database.kits().map(\.name)) == ["photo", "someone else"])
        #expect(await harness.intake.duplicates == 0)
    }

    @Test("the same image with a sidecar asking for more stages extends the kit")
    func extendedByOrder() async throws {
        let harness = try IntakeHarness(sidecarWaitMs: 1500)
        try await harness.start()
        let bytes = try ImageFixtures.png(seed: 52)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/echo.png")
        try await harness.waitUntil("first echo taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 1 }
        let kitID = try #require(try harness.database.kits().first?.id)

        try FileFixtures.write(
            #"{"schema": "refkit.order/1", "stages": ["avatar", "half_body", "full_body"]}"#, to: "\(harness.inbox)/echo.json")
        try FileFixtures.write(bytes, to: "\(harness.inbox)/echo.png")
        try await harness.waitUntil("echo extended") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 3 }
        try await harness.stop()

        #expect(try harness.count("SELECT count(*) FROM sources") == 1)
        #expect(try harness.database.kits().map(\.id) == [kitID])
        let stages = try harness.database.stages(kitID: kitID).map(\.stage.name)
        #expect(stages == ["avatar", "reference_avatar", "front", "side", "back", "half_body", "full_body"])
        #expect(try harness.database.orders(kitID: kitID).map(\.origin) == ["default", "sidecar"])
        let extended = try harness.database.events(kitID: kitID).filter { $0.type == "extended" }
        #expect(extended.map(\.message) == ["half_body,full_body"])
        #expect(await harness.intake.accepted == 2)
        #expect(await harness.intake.duplicates == 0)
    }

    @Test("the same bytes under another name without an order: a duplicate of the kit they are the source of")
    func sameBytesUnderAnotherName() async throws {
        // Long enough for photo (3).jpg to find its order on a loaded machine.
        let harness = try IntakeHarness(sidecarWaitMs: 2000)
        try await harness.start()
        let bytes = try ImageFixtures.jpeg(seed: 53)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/photo.jpg")
        try await harness.waitUntil("photo taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 1 }
        let kitID = try #require(try harness.database.kits().first?.id)
        try FileFixtures.write(bytes, to: "\(harness.inbox)/photo (2).jpg")
        try await harness.waitUntil("second download judged") { try harness.inboxIsEmpty && (harness.claims(state: "duplicate")) == 1 }
        // A sidecar naming a new kit still makes one from the same bytes.
        try FileFixtures.write(#"{"kit": "photo-again"}"#, to: "\(harness.inbox)/photo (3).json")
        try FileFixtures.write(bytes, to: "\(harness.inbox)/photo (3).jpg")
        try await harness.waitUntil("named order taken") { try harness.inboxIsEmpty && (harness.claims(state: "accepted")) == 3 }
        try await harness.stop()

        #expect(try harness.count("SELECT count(*) FROM sources") == 1)
        #expect(try harness.database.kits().map(\.name).sorted() == ["photo", "photo-again"])
        #expect(try harness.count("SELECT count(*) FROM intake_claims WHERE state = 'duplicate' AND kit_id = '\(kitID)'") == 1)
        let duplicate = try harness.database.events(kitID: kitID).filter { $0.type == "duplicate" }
        #expect(duplicate.map(\.subject) == ["photo (2).jpg"])
        #expect(try harness.database.statusSummary().claimsByState["duplicate"] == 1, "`refkit status` counts it")
        #expect(try harness.count("SELECT count(*) FROM stages WHERE kit_id = '\(kitID)'") == 5, "nothing added to the kit")
        #expect(await harness.intake.duplicates == 1)
    }
}
