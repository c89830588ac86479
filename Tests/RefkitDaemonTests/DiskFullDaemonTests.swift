import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("A full outbox in the daemon", .serialized, .timeLimit(.minutes(2)))
struct DiskFullDaemonTests {
    @Test func kitsWaitForSpaceWithNothingPartialThenCompleteWhenSpaceIsFreed() async throws {
        let dir = try TemporaryDirectory("disk-full")
        let inbox = try dir.folder("inbox")
        // Room for three small kits once the filler goes, each with its 2048 px contact sheet.
        let outbox = try TinyFilesystem(at: dir.url("outbox"), size: "4m")
        defer { outbox.unmount() }
        try outbox.fill("filler", leaving: 12 * 1024)

        let configuration = try spaceFaultConfiguration(in: dir, provider: "fake")
        let provider = try CountingProvider()
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        for i in 0..<3 {
            try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(40 + i), width: 160, height: 200), to: "\(inbox)/full\(i).jpg")
        }
        let database = daemon.database

        // Each kit made its references, met the full outbox and waits: not failed, nothing partial.
        try await eventually(
            "three kits to wait for space", state: { "\((try? database.kits().map { "\($0.name):\($0.status.rawValue)" }) ?? [])" }
        ) {
            let kits = try database.kits()
            guard kits.count == 3 else { return false }
            return try kits.allSatisfy { kit in
                try database.events(kitID: kit.id).contains { $0.type == "publish_waiting" && $0.code == "disk_full" }
            }
        }
        for kit in try database.kits() {
            #expect(kit.status == .generating, "\(kit.name) is \(kit.status.rawValue) while it waits for space")
            #expect(try database.stages(kitID: kit.id).allSatisfy { $0.status == .done })
        }
        // Retries happen (every second) and stay clean: still nothing in the outbox but the filler.
        let retried = try database.events().filter { $0.type == "publish_waiting" }.count
        try await eventually("a retry while the outbox is still full") {
            try database.events().filter { $0.type == "publish_waiting" }.count > retried
        }
        // A retry in flight has its staging folder open for a moment; between retries the outbox holds the filler alone.
        // A failed publish that left its files behind would keep them there, and this would time out.
        try await eventually(
            "nothing partial in the full outbox between retries", state: { "\(FileFixtures.files(below: outbox.path))" }
        ) {
            FileFixtures.files(below: outbox.path) == ["filler"] && FileFixtures.names(in: outbox.path) == ["filler"]
        }
        let callsWhileFull = provider.totalCalls
        #expect(callsWhileFull == 6)

        // Space freed: the kits complete by themselves, without new provider calls.
        try FileManager.default.removeItem(atPath: "\(outbox.path)/filler")
        try await eventually("the kits to complete after space is freed", timeout: .seconds(20)) {
            try database.kits(status: .complete).count == 3
        }
        let summary = try await running.stop()
        #expect(summary.kits[.complete] == 3)
        #expect(summary.kits[.failed] == nil)
        #expect(summary.waitingForSpace == 0)
        #expect(provider.totalCalls == callsWhileFull, "publishing again made new provider calls")
        for kit in try database.kits() {
            let manifest = try checkManifest(kitFolder: try #require(kit.outboxDir))
            #expect(manifest["status"] == .string("complete"))
        }
        #expect(!FileFixtures.files(below: outbox.path).contains { $0.contains(".refkit-tmp") })
    }

    @Test func onceExitsNonZeroWhileAKitWaitsForSpace() async throws {
        let dir = try TemporaryDirectory("disk-full-once")
        let inbox = try dir.folder("inbox")
        let outbox = try TinyFilesystem(at: dir.url("outbox"), size: "512k")
        defer { outbox.unmount() }
        try outbox.fill("filler", leaving: 8 * 1024)
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            rejected = "rejected"
            settle_ms = 30
            sidecar_wait_ms = 30
              [watch.default_order]
              stages = ["avatar"]
              provider = "fake"
            [providers.fake]
            kind = "preview"
            """, in: dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 9, width: 160, height: 200), to: "\(inbox)/once.jpg")
        let provider = try CountingProvider()
        do {
            let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
            let summary = try await daemon.run(.once)
            #expect(summary.waitingForSpace == 1)
            #expect(summary.kits[.failed] == nil)
        }
        // The next start publishes it once there is space.
        try FileManager.default.removeItem(atPath: "\(outbox.path)/filler")
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1 && summary.waitingForSpace == 0)
        #expect(provider.totalCalls == 1)
    }
}

/// A watch making avatar + front with the preview-kind provider `provider`, retrying a publish
/// (or a store) that met a full or unwritable disk every second: the rig of the space-fault tests.
func spaceFaultConfiguration(in dir: TemporaryDirectory, provider: String) throws -> Configuration {
    try loadConfiguration(
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
          provider = "\(provider)"
        [providers.\(provider)]
        kind = "preview"
        """, in: dir)
}
