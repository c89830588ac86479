import Foundation
import RefkitCore
import RefkitTestSupport
import Testing

/// An image and its sidecar order make one kit whichever arrives first; an image alone gets
/// the watch's default order.
@Suite("Intake: pairing", .timeLimit(.minutes(1)))
struct PairingTests {
    static let sidecar = #"""
        {"schema": "refkit.order/1", "kit": "Mira Vale", "character": {"name": "Mira", "attributes": {"hair_color": "silver"}},
         "stages": ["avatar", "front", "scene:harbour"], "scenes": [{"id": "harbour", "description": "at dawn"}]}
        """#

    /// The one kit's stored orders, parsed.
    static func onlyKitOrders(_ harness: IntakeHarness) throws -> (kit: String, orders: [(origin: String, json: JSONValue)]) {
        let kits = try harness.database.kits()
        try #require(kits.count == 1, "one kit, got \(kits.map(\.name))")
        let orders = try harness.database.orders(kitID: kits[0].id).map { ($0.origin, try JSONValue.parse(Array($0.json.utf8))) }
        return (kits[0].name, orders)
    }

    static func expectSidecarOrder(_ harness: IntakeHarness, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (kit, orders) = try onlyKitOrders(harness)
        #expect(kit == "Mira Vale", sourceLocation: sourceLocation)
        #expect(orders.count == 1, sourceLocation: sourceLocation)
        guard let order = orders.first else { return }
        #expect(order.origin == "sidecar", sourceLocation: sourceLocation)
        #expect(
            order.json["stages"] == .array([.string("avatar"), .string("front"), .string("scene:harbour")]), sourceLocation: sourceLocation)
        #expect(order.json["character"]?["name"] == .string("Mira"), sourceLocation: sourceLocation)
        let stages = try harness.database.stages(kitID: try harness.database.kits()[0].id).map(\.stage.name)
        #expect(
            stages.contains("front") && stages.contains("scene:harbour") && !stages.contains("back"), "\(stages)",
            sourceLocation: sourceLocation)
        #expect(try harness.claims(state: "accepted") == 2, "image and sidecar both claimed once", sourceLocation: sourceLocation)
        #expect(harness.inboxIsEmpty, sourceLocation: sourceLocation)
        #expect(FileFixtures.names(in: harness.rejected).isEmpty, sourceLocation: sourceLocation)
        // The sidecar's text is kept with the originals too.
        #expect(
            FileFixtures.files(below: "\(harness.configuration.stateDir)/originals").contains { $0.hasSuffix(".json") },
            sourceLocation: sourceLocation)
    }

    @Test("sidecar first, then its image: one kit with the sidecar's order")
    func sidecarFirst() async throws {
        let harness = try IntakeHarness(imageWaitMs: 5000)
        try await harness.start()
        try FileFixtures.write(Self.sidecar, to: "\(harness.inbox)/mira.json")
        try await harness.waitForWaiting("mira.json")
        #expect(await harness.intake.pendingCount == 1)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 41), to: "\(harness.inbox)/mira.jpg")
        try await harness.waitUntil("mira paired") { harness.inboxIsEmpty }
        try await harness.stop()
        try Self.expectSidecarOrder(harness)
    }

    @Test("image first, then its sidecar within sidecar_wait_ms: one kit with the sidecar's order")
    func imageFirst() async throws {
        // The wait only has to outlast the sidecar's settling and judging: generous, because CI runs
        // twelve daemon tests beside this one (1.5 s was overrun there); a paired image never waits it out.
        let harness = try IntakeHarness(sidecarWaitMs: 6000)
        try await harness.start()
        try FileFixtures.write(try ImageFixtures.png(seed: 42), to: "\(harness.inbox)/mira.png")
        try await harness.waitForWaiting("mira.png")
        #expect(await harness.intake.pendingCount == 1)
        try FileFixtures.write(Self.sidecar, to: "\(harness.inbox)/mira.json")
        try await harness.waitUntil("mira paired") { harness.inboxIsEmpty }
        try await harness.stop()
        try Self.expectSidecarOrder(harness)
    }

    @Test("image and sidecar dropped together (sidecar still settling at the deadline): paired")
    func droppedTogether() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 43), to: "\(harness.inbox)/mira.jpg")
        try FileFixtures.write(Self.sidecar, to: "\(harness.inbox)/mira.json")
        try await harness.waitUntil("mira paired") { harness.inboxIsEmpty }
        try await harness.stop()
        try Self.expectSidecarOrder(harness)
    }

    @Test("an image alone gets the watch's default order")
    func imageAlone() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 44), to: "\(harness.inbox)/solo.jpg")
        try await harness.waitUntil("solo taken") { harness.inboxIsEmpty }
        try await harness.stop()
        let (kit, orders) = try Self.onlyKitOrders(harness)
        #expect(kit == "solo")
        #expect(orders.map(\.origin) == ["default"])
        #expect(orders.first?.json["stages"] == .string("turnaround"))
        let stages = try harness.database.stages(kitID: try harness.database.kits()[0].id).map(\.stage.name)
        #expect(stages == ["avatar", "reference_avatar", "front", "side", "back"])
    }
}
