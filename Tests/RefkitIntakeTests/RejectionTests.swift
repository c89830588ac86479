import Foundation
import RefkitTestSupport
import Testing

/// Bad drops go to `rejected/` with their own error code, kept as they were; nothing is lost
/// and nothing a link points at is ever opened.
@Suite("Intake: rejections", .timeLimit(.minutes(1)))
struct RejectionTests {
    @Test("every bad input is rejected with its own code and kept in rejected/ beside NAME.error.json")
    func catalogue() async throws {
        let harness = try IntakeHarness(maxSourceBytes: BadDrops.maxSourceBytes)
        let drops = BadDrops.all + [BadDrops.lonelyOrder]
        #expect(drops.count >= 25)
        try await harness.start()
        var made: [String: [UInt8]?] = [:]
        for drop in drops {
            made[drop.name] = try drop.make(harness.inbox, harness.folders.outside)
        }
        let spies = try BadDrops.foreignTargets.map { try OpenSpy(watching: "\(harness.folders.outside)/\($0)") }
        try await harness.waitUntil("every bad drop rejected") { harness.inboxIsEmpty }
        try await harness.stop()

        // Before anything here reads them: no link target was opened through the inbox.
        for spy in spies { #expect(spy.opens() == 0, "\(spy.path) was opened") }

        for drop in drops {
            try IntakeExpectations.rejected(
                drop.name, code: drop.code, kind: drop.kind, bytes: made[drop.name] ?? nil, in: harness.rejected)
        }
        #expect(FileFixtures.linkTarget("\(harness.rejected)/pipe-link.jpg") == "\(harness.folders.outside)/target-fifo")
        #expect(FileFixtures.linkTarget("\(harness.rejected)/file-link.png") == "\(harness.folders.outside)/target.png")
        #expect(FileFixtures.names(in: "\(harness.rejected)/folder.jpg") == ["inside.jpg"], "the folder moved with what it held")
        #expect(FileFixtures.linkCount("\(harness.rejected)/hard.jpg") == 2, "still the same inode as the outside original")
        #expect(FileFixtures.kind("\(harness.folders.outside)/target-fifo") == .fifo)

        // Exactly the drops and their reports: nothing extra, nothing lost.
        let expected = Set(drops.flatMap { [$0.name, "\($0.name).error.json"] })
        #expect(Set(FileFixtures.names(in: harness.rejected)) == expected)

        #expect(try harness.claims(state: "rejected") == drops.count)
        #expect(try harness.count("SELECT count(*) FROM intake_claims WHERE state != 'rejected'") == 0)
        #expect(try harness.count("SELECT count(*) FROM events WHERE type = 'rejected'") == drops.count)
        #expect(try harness.count("SELECT count(*) FROM sources") == 0)
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
        #expect(await harness.intake.rejected == drops.count)
        let codes = try Set(harness.database.events().filter { $0.type == "rejected" }.compactMap(\.code))
        #expect(codes == Set(drops.map(\.code)))
    }

    @Test("two images with one name stem are both rejected as ambiguous")
    func ambiguousStem() async throws {
        // A long sidecar wait keeps the first image waiting while the second one settles.
        let harness = try IntakeHarness(sidecarWaitMs: 3000)
        try await harness.start()
        let jpeg = try ImageFixtures.jpeg(seed: 31)
        let png = try ImageFixtures.png(seed: 32)
        try FileFixtures.write(jpeg, to: "\(harness.inbox)/twin.jpg")
        try FileFixtures.write(png, to: "\(harness.inbox)/twin.png")
        try await harness.waitUntil("both twins rejected") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("twin.jpg", code: "source_ambiguous_stem", kind: .regular, bytes: jpeg, in: harness.rejected)
        try IntakeExpectations.rejected("twin.png", code: "source_ambiguous_stem", kind: .regular, bytes: png, in: harness.rejected)
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("an image whose sidecar arrives invalid is rejected with it (image first)")
    func invalidSidecarAfterImage() async throws {
        let harness = try IntakeHarness(sidecarWaitMs: 3000)
        try await harness.start()
        let image = try ImageFixtures.jpeg(seed: 33)
        let order = Array(#"{"schema": "refkit.order/1", "stages": ["avatar"], "mood": "happy"}"#.utf8)
        try FileFixtures.write(image, to: "\(harness.inbox)/lyra.jpg")
        try await harness.waitForWaiting("lyra.jpg")
        #expect(await harness.intake.pendingCount == 1)
        try FileFixtures.write(order, to: "\(harness.inbox)/lyra.json")
        try await harness.waitUntil("lyra rejected") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("lyra.json", code: "order_unknown_key", kind: .regular, bytes: order, in: harness.rejected)
        try IntakeExpectations.rejected("lyra.jpg", code: "source_sidecar_invalid", kind: .regular, bytes: image, in: harness.rejected)
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("an image whose invalid sidecar came first is rejected too (sidecar first)")
    func invalidSidecarBeforeImage() async throws {
        // The rejected sidecar is remembered for image_wait_ms: generous, so a loaded machine
        // judging the image late does not turn this into a different test.
        let harness = try IntakeHarness(sidecarWaitMs: 300, imageWaitMs: 20000)
        try await harness.start()
        let image = try ImageFixtures.png(seed: 34)
        let order = Array(#"{"schema": "refkit.order/1", "stages": "#.utf8)
        try FileFixtures.write(order, to: "\(harness.inbox)/vega.json")
        try await harness.waitUntil("vega.json rejected") { FileFixtures.exists("\(harness.rejected)/vega.json") }
        try FileFixtures.write(image, to: "\(harness.inbox)/vega.png")
        try await harness.waitUntil("vega.png judged") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("vega.json", code: "order_invalid_json", kind: .regular, bytes: order, in: harness.rejected)
        try IntakeExpectations.rejected("vega.png", code: "source_sidecar_invalid", kind: .regular, bytes: image, in: harness.rejected)
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("an image and its invalid sidecar dropped together are both rejected")
    func invalidSidecarTogether() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let image = try ImageFixtures.jpeg(seed: 35)
        let order = Array(#"{"kit": 42}"#.utf8)
        try FileFixtures.write(image, to: "\(harness.inbox)/orion.jpg")
        try FileFixtures.write(order, to: "\(harness.inbox)/orion.json")
        try await harness.waitUntil("orion judged") { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("orion.json", code: "order_wrong_type", kind: .regular, bytes: order, in: harness.rejected)
        try IntakeExpectations.rejected("orion.jpg", code: "source_sidecar_invalid", kind: .regular, bytes: image, in: harness.rejected)
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("an order whose image was rejected first is rejected too, at once")
    func orderAfterRejectedImage() async throws {
        let harness = try IntakeHarness(sidecarWaitMs: 3000, imageWaitMs: 20_000)
        try await harness.start()
        let image = ImageFixtures.truncated(try ImageFixtures.jpeg(seed: 36, width: 256, height: 192))
        let order = Array(#"{"schema": "refkit.order/1", "stages": "core"}"#.utf8)
        try FileFixtures.write(image, to: "\(harness.inbox)/rigel.jpg")
        try await harness.waitUntil("rigel.jpg rejected") { FileFixtures.exists("\(harness.rejected)/rigel.jpg") }
        try FileFixtures.write(order, to: "\(harness.inbox)/rigel.json")
        // Not after image_wait_ms (20 s, beyond this wait's bound): the rejected image is remembered.
        try await harness.waitUntil("rigel.json judged", timeout: .seconds(10)) { harness.inboxIsEmpty }
        try await harness.stop()
        try IntakeExpectations.rejected("rigel.jpg", code: "source_corrupt", kind: .regular, bytes: image, in: harness.rejected)
        try IntakeExpectations.rejected("rigel.json", code: "order_image_rejected", kind: .regular, bytes: order, in: harness.rejected)
        #expect(try harness.count("SELECT count(*) FROM kits") == 0)
    }

    @Test("a second drop of a rejected name does not overwrite the first in rejected/")
    func rejectedTwice() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        try FileFixtures.write(BadInputs.text, to: "\(harness.inbox)/memo.jpg")
        try await harness.waitUntil("first memo rejected") { harness.inboxIsEmpty }
        let second = Array("another text\n".utf8)
        try FileFixtures.write(second, to: "\(harness.inbox)/memo.jpg")
        try await harness.waitUntil("second memo rejected") {
            harness.inboxIsEmpty && FileFixtures.exists("\(harness.rejected)/memo.2.jpg")
        }
        try await harness.stop()
        try IntakeExpectations.rejected(
            "memo.jpg", code: "source_text_not_image", kind: .regular, bytes: BadInputs.text, in: harness.rejected)
        try IntakeExpectations.rejected("memo.2.jpg", code: "source_text_not_image", kind: .regular, bytes: second, in: harness.rejected)
    }
}
