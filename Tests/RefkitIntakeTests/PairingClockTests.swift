import Foundation
import RefkitCore
import RefkitTestSupport
import Testing

/// Intake's pairing waits run on the clock it is given: with a manual clock, a ten-minute
/// wait ends when the test moves the clock, not before and without real waiting.
@Suite("Intake: pairing waits on its clock", .timeLimit(.minutes(1)))
struct PairingClockTests {
    @Test("an image alone is taken when intake's clock passes sidecar_wait_ms, not before")
    func imageAlone() async throws {
        let clock = ManualClock()
        let harness = try IntakeHarness(sidecarWaitMs: 600_000, clock: clock)
        try await harness.start()
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 61), to: "\(harness.inbox)/solo.jpg")
        try await harness.waitForWaiting("solo.jpg")
        clock.advance(by: .seconds(599))
        #expect(await harness.intake.pendingCount == 1)
        clock.advance(by: .seconds(1))
        try await harness.waitUntil("solo taken") { harness.inboxIsEmpty }
        try await harness.stop()
        #expect(try harness.database.kits().map(\.name) == ["solo"])
        #expect(try harness.database.orders(kitID: try harness.database.kits()[0].id).map(\.origin) == ["default"])
    }

    @Test("an order alone is rejected when intake's clock passes image_wait_ms")
    func orderAlone() async throws {
        let clock = ManualClock()
        let harness = try IntakeHarness(imageWaitMs: 600_000, clock: clock)
        try await harness.start()
        try FileFixtures.write(#"{"stages": ["avatar"]}"#, to: "\(harness.inbox)/lost.json")
        try await harness.waitForWaiting("lost.json")
        clock.advance(by: .seconds(600))
        let watch = harness.watchName
        try await harness.waitForEvent("lost.json rejected") {
            $0 == .rejected(watch: watch, file: "lost.json", code: "order_without_image")
        }
        try await harness.waitUntil("lost.json judged") { harness.inboxIsEmpty }
        try await harness.stop()
        #expect(FileFixtures.exists("\(harness.rejected)/lost.json"))
    }
}
