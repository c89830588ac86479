import Foundation
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension TinyFilesystem {
    /// Remounts the filesystem read-only or read-write again (as an operator's remount, or an NFS
    /// server turning read-only for a moment, does).
    func remount(readOnly: Bool) throws {
        let flags = UInt(MS_REMOUNT) | (readOnly ? UInt(MS_RDONLY) : 0)
        guard mount("tmpfs", path, "tmpfs", flags, nil) == 0 else {
            throw FixtureError("cannot remount \(path): \(String(cString: strerror(errno)))")
        }
    }
}

@Suite("A read-only outbox in the daemon", .serialized, .timeLimit(.minutes(2)))
struct ReadOnlyOutboxTests {
    @Test func aFinishedKitWaitsForAReadOnlyOutboxAndIsPublishedWhenItIsWritableAgain() async throws {
        let dir = try TemporaryDirectory("readonly-outbox")
        let inbox = try dir.folder("inbox")
        let outbox = try TinyFilesystem(at: dir.url("outbox"), size: "4m")
        defer { outbox.unmount() }
        let configuration = try spaceFaultConfiguration(in: dir, provider: "fake")
        let provider = try CountingProvider()
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        try outbox.remount(readOnly: true)
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 61, width: 160, height: 200), to: "\(inbox)/ro.jpg")
        let database = daemon.database

        try await eventually("the kit to wait for the read-only outbox", state: { "\((try? database.kits().map(\.status)) ?? [])" }) {
            guard let kit = try database.kits().first else { return false }
            return try database.events(kitID: kit.id).contains { $0.type == "publish_waiting" && $0.code == "outbox_unwritable" }
        }
        let kit = try #require(try database.kits().first)
        #expect(try database.kit(kit.id)?.status == .generating, "a paid kit was failed for a read-only outbox")
        let retried = try database.events(kitID: kit.id).filter { $0.type == "publish_waiting" }.count
        try await eventually("a publish retry while the outbox is read-only") {
            try database.events(kitID: kit.id).filter { $0.type == "publish_waiting" }.count > retried
        }
        let calls = provider.totalCalls

        try outbox.remount(readOnly: false)
        try await eventually("the kit to complete once the outbox is writable", timeout: .seconds(20)) {
            try database.kit(kit.id)?.status == .complete
        }
        _ = try checkManifest(kitFolder: try #require(try database.kit(kit.id)?.outboxDir))
        #expect(provider.totalCalls == calls, "publishing again called the provider")
        try await running.stop()
    }

    /// A kit an earlier refkit marked `failed` because its publish failed (every stage done):
    /// `retry` publishes it again instead of answering `nothing_to_retry`.
    @Test func retryPublishesAFailedKitWhoseStagesAreAllDone() async throws {
        let dir = try TemporaryDirectory("retry-publish")
        let inbox = try dir.folder("inbox")
        let configuration = try loadConfiguration(
            """
            state_dir = "state"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 30
            sidecar_wait_ms = 30
              [watch.default_order]
              stages = ["avatar"]
              provider = "fake"
            [providers.fake]
            kind = "preview"
            """, in: dir)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 62, width: 160, height: 200), to: "\(inbox)/rp.jpg")
        let provider = try CountingProvider()
        do {
            let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
            try await daemon.run(.once)
            let kit = try #require(try daemon.database.kits().first)
            try daemon.database.execute("UPDATE kits SET status = 'failed', error_code = 'outbox_unwritable' WHERE id = '\(kit.id)'")
            let result = try daemon.database.retryFailed(kit: kit.name)
            #expect(result.stages.isEmpty)
        }
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let summary = try await daemon.run(.once)
        #expect(summary.kits[.complete] == 1)
        #expect(try daemon.database.kits().first?.status == .complete)
        #expect(provider.totalCalls == 1)
    }
}
