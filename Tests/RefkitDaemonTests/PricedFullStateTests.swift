import Foundation
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

/// Money and a full state directory together: a priced call's payment is recorded (its
/// reservation becomes spend) before its image is stored. That write meets the full database
/// first, and must wait like the image does, not discard the paid image and release its price.
@Suite("A full state directory and a priced call", .serialized, .timeLimit(.minutes(2)))
struct PricedFullStateTests {
    @Test func aPricedResultWaitsForSpaceAndStaysCounted() async throws {
        let dir = try TemporaryDirectory("state-full-priced")
        let inbox = try dir.folder("inbox")
        let state = try TinyFilesystem(at: dir.url("state"), size: "8m")
        defer { state.unmount() }
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [daemon]
            disk_full_retry_s = 1
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            rejected = "rejected"
            settle_ms = 30
            sidecar_wait_ms = 30
              [watch.default_order]
              stages = ["avatar", "front"]
              provider = "gated"
            [providers.gated]
            kind = "preview"
            price_per_image_usd = 0.04
            """, in: dir)
        let provider = try GatedProvider()
        let log = CapturedLog()
        let daemon = try Daemon.build(configuration: configuration, logger: log.logger, providers: ["gated": provider])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 72, width: 160, height: 200), to: "\(inbox)/pf.jpg")
        let database = daemon.database

        try await eventually("the avatar's paid call to be out") { provider.calls == 1 }
        #expect(abs(try database.kitCost(kitID: try #require(try database.kits().first).id) - 0.04) < 1e-9, "reserved")
        try state.fill("filler", leaving: 0)
        provider.open()
        let kit = try #require(try database.kits().first)
        try await eventually("the paid result to wait for space, or the stage to end") {
            try log.all.contains { $0.contains("the result waits in memory") && $0.contains("what=a paid result") }
                || log.all.contains { $0.contains("stage failed") }
        }
        #expect(!log.all.contains { $0.contains("stage failed") }, "the paid avatar failed for want of space")
        #expect(try database.stages(kitID: kit.id).first { $0.stage == .avatar }?.status == .running)
        #expect(abs(try database.kitCost(kitID: kit.id) - 0.04) < 1e-9, "the paid call is still counted")

        try FileManager.default.removeItem(atPath: "\(state.path)/filler")
        try await eventually("the kit to complete once space is freed", timeout: .seconds(20)) {
            try database.kit(kit.id)?.status == .complete
        }
        #expect(provider.calls == 2, "the paid avatar was bought again")
        #expect(abs(try database.kitCost(kitID: kit.id) - 0.08) < 1e-9)
        try await running.stop()
    }
}
