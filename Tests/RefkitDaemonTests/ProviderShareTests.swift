import Foundation
import RefkitTestSupport
import Testing

@testable import RefkitDaemon

/// A provider may run up to 3x its `concurrency` in stages, but only with places no other
/// provider's stage wants: beyond 2x it yields to others in every dispatch round.
@Suite("Stage places between providers", .timeLimit(.minutes(1)))
struct ProviderShareTests {
    @Test func aProviderAboveTwiceItsConcurrencyYieldsFreedPlacesToAnother() async throws {
        let dir = try TemporaryDirectory("provider-share")
        let inbox = try dir.folder("inbox")
        let text = """
            state_dir = "state"
            [limits]
            concurrency = 4
            [providers.a]
            kind = "preview"
            concurrency = 1
            [providers.b]
            kind = "preview"
            concurrency = 2
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 300
              [watch.default_order]
              provider = "a"
              stages = ["avatar", "front"]
            """
        let a = SeededProvider()
        let b = SeededProvider()
        a.hold("avatar", count: 3)
        a.hold("front", count: 3)
        b.hold("avatar", count: 2)
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["a": a, "b": b])
        let running = RunningDaemon(daemon)

        /// Stages running (started, maybe waiting for their provider's request slot) per provider.
        func runningStages(_ prefix: String) throws -> Int {
            try daemon.database.kits().filter { $0.name.hasPrefix(prefix) }
                .map { try daemon.database.stages(kitID: $0.id).filter { $0.status == .running }.count }.reduce(0, +)
        }

        // Alone, provider a takes a third place (3x its concurrency of 1): one request at the
        // provider, two stages ready behind it.
        for (i, name) in ["a1", "a2", "a3"].enumerated() {
            try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(20 + i), width: 64, height: 64), to: "\(inbox)/\(name).jpg")
        }
        try await eventually("a runs three stages, one of them at the provider") { try runningStages("a") == 3 && a.held("avatar") == 1 }
        // b's two kits find one place left.
        for (i, name) in ["b1", "b2"].enumerated() {
            try FileFixtures.write(#"{"provider": "b"}"#, to: "\(inbox)/\(name).json")
            try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(30 + i), width: 64, height: 64), to: "\(inbox)/\(name).jpg")
        }
        try await eventually("b runs one avatar and its second kit waits") {
            guard b.held("avatar") == 1, let b2 = try daemon.database.kit("b2") else { return false }
            return try daemon.database.stages(kitID: b2.id).contains { $0.stage == .avatar && $0.status == .pending }
        }
        #expect(try runningStages("a") == 3 && runningStages("b") == 1)
        #expect(a.held("avatar") == 1, "a's concurrency is 1: its other two stages wait for the request slot")

        // a's avatars may answer; its fronts become runnable (the first is held at a): the
        // place a frees goes to b's waiting avatar first, since a is above twice its
        // concurrency. (With 3x for everyone, a's fronts took every freed place and b waited
        // behind a held request.)
        a.open("avatar")
        try await eventually(
            "b's second avatar gets a place", state: { "a fronts held: \(a.held("front")), b avatars held: \(b.held("avatar"))" }
        ) {
            b.held("avatar") == 2
        }
        #expect(try runningStages("a") <= 2, "with b running two, a has at most the two places left")

        a.open("front")
        b.open("avatar")
        try await eventually("all five kits complete") {
            try daemon.database.kits().filter { $0.status == .complete }.count == 5
        }
        try await running.stop()
    }
}
