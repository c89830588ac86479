import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import Testing

/// `outbox_retention_days` and `refkit delete --older-than`: finished kits older than the
/// retention are removed whole (outbox folder, state, work files, an original no other kit
/// uses); young kits and kits being made are kept.
@Suite("Outbox retention", .timeLimit(.minutes(3)))
struct RetentionTests {
    static func config(retention: String) -> String {
        lifecycleConfig(#"stages = ["avatar", "front"]"#).replacingOccurrences(
            of: "image_wait_ms = 400", with: "image_wait_ms = 400\n\(retention)")
    }

    /// Sets a kit's last change far in the past: a small test-only write, the one way to make a
    /// kit old without waiting days.
    static func age(_ ids: [String], _ database: RefkitDatabase) throws {
        let list = ids.map { "'\($0)'" }.joined(separator: ",")
        try database.execute("UPDATE kits SET updated_at = '2020-01-01T00:00:00.000Z' WHERE id IN (\(list))")
    }

    @Test func theDaemonRemovesOldFinishedKitsAndKeepsYoungAndBusyOnes() async throws {
        let dir = try TemporaryDirectory("retention-daemon")
        let inbox = try dir.folder("inbox")
        let text = Self.config(retention: "outbox_retention_days = 14")
        let provider = SeededProvider()
        let young: KitRecord
        let busyID: String
        do {  // the first daemon holds the state lock until the end of this block
            let daemon = try Daemon.build(
                configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
            let running = RunningDaemon(daemon)
            for (seed, name) in [(31, "old"), (32, "young")] {
                try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(seed), width: 96, height: 128), to: "\(inbox)/\(name).jpg")
            }
            try await eventually("both kits are complete") {
                try daemon.database.kit("old")?.status == .complete && daemon.database.kit("young")?.status == .complete
            }
            provider.hold("avatar")
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 33, width: 96, height: 128), to: "\(inbox)/busy.jpg")
            try await eventually("the busy kit is being made") { provider.held("avatar") == 1 }
            let old = try #require(try daemon.database.kit("old"))
            young = try #require(try daemon.database.kit("young"))
            let busy = try #require(try daemon.database.kit("busy"))
            let oldSourceID = try #require(old.sourceID)
            let oldSource = try #require(try daemon.database.source(id: oldSourceID))
            try Self.age([old.id, busy.id], daemon.database)

            #expect(daemon.expireKits(now: Date()) == [old.id])
            #expect(try daemon.database.kit(old.id) == nil)
            #expect(!FileFixtures.exists(try #require(old.outboxDir)), "the outbox folder is gone")
            #expect(!FileFixtures.exists(dir.url("state/work/\(old.id)")), "the work files are gone")
            #expect(!FileFixtures.exists(dir.url("state/\(oldSource.storedPath)")), "its original, used by no other kit, is gone")
            #expect(FileFixtures.exists(try #require(young.outboxDir)), "a young kit is kept")
            #expect(try daemon.database.kit(busy.id)?.status == .generating, "a kit being made is kept, however old")
            #expect(daemon.metrics.kitsExpired.value(labels: ["watch": "w"]) == 1)
            #expect(daemon.expireKits(now: Date()).isEmpty, "a second pass finds nothing")

            provider.open("avatar")
            try await eventually("the busy kit completes") { try daemon.database.kit(busy.id)?.status == .complete }
            try await running.stop()
            busyID = busy.id
            try Self.age([young.id], daemon.database)
        }

        // At start, the daemon removes what is due without waiting a day.
        let restarted = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": provider])
        let again = RunningDaemon(restarted)
        // Counted once its files are gone too (the store's row goes first).
        try await eventually("the aged kit is removed at start") {
            try restarted.database.kit(young.id) == nil && restarted.metrics.kitsExpired.value(labels: ["watch": "w"]) == 1
        }
        #expect(!FileFixtures.exists(try #require(young.outboxDir)))
        #expect(try restarted.database.kit(busyID)?.status == .complete, "the kit finished just now is kept")
        #expect(restarted.metrics.kitsExpired.value(labels: ["watch": "w"]) == 1)
        try await again.stop()
    }

    @Test func withoutTheKeyNothingIsRemoved() async throws {
        let dir = try TemporaryDirectory("retention-off")
        let text = Self.config(retention: "")
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": SeededProvider()])
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 34, width: 96, height: 128), to: dir.url("inbox/kept.jpg"))
        try await daemon.run(.once)
        let kit = try #require(try daemon.database.kit("kept"))
        try Self.age([kit.id], daemon.database)
        #expect(daemon.expireKits(now: Date()).isEmpty)
        #expect(try daemon.database.kit(kit.id) != nil && FileFixtures.exists(try #require(kit.outboxDir)))
    }

    @Test func deleteOlderThanListsAsksAndDeletesByTheSameRule() async throws {
        let dir = try TemporaryDirectory("retention-cli")
        // No retention configured: the command works by hand on any watch.
        let text = Self.config(retention: "")
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        let daemon = try Daemon.build(
            configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: ["fake": SeededProvider()])
        for (seed, name) in [(35, "ancient"), (36, "fresh")] {
            try FileFixtures.write(try ImageFixtures.jpeg(seed: UInt64(seed), width: 96, height: 128), to: dir.url("inbox/\(name).jpg"))
        }
        try await daemon.run(.once)
        let ancient = try #require(try daemon.database.kit("ancient"))
        let fresh = try #require(try daemon.database.kit("fresh"))
        try Self.age([ancient.id], daemon.database)
        let config = dir.url("refkit.toml")

        let dry = try await refkitCLI(["delete", "--older-than", "30", "--dry-run"], config: config)
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("ancient (\(ancient.id))") && !dry.output.contains("fresh"), "\(dry.output)")
        #expect(dry.output.contains("1 kit would be deleted"), "\(dry.output)")
        #expect(try daemon.database.kit(ancient.id) != nil, "a dry run deletes nothing")

        let otherWatch = try await refkitCLI(["delete", "--older-than", "30", "--watch", "elsewhere", "--yes"], config: config)
        #expect(otherWatch.status == 0 && otherWatch.output.contains("no finished kit of watch elsewhere"), "\(otherWatch.output)")

        let unsure = try await refkitCLI(["delete", "--older-than", "30"], config: config)
        #expect(unsure.status != 0 && unsure.output.contains("not deleted"), "no answer is no: \(unsure.output)")
        #expect(try daemon.database.kit(ancient.id) != nil)

        let deleted = try await refkitCLI(["delete", "--older-than", "30", "--watch", "w", "--yes"], config: config)
        #expect(deleted.status == 0, "\(deleted.output)")
        #expect(deleted.output.contains("ancient: deleted"), "\(deleted.output)")
        #expect(try daemon.database.kit(ancient.id) == nil && !FileFixtures.exists(try #require(ancient.outboxDir)))
        #expect(try daemon.database.kit(fresh.id) != nil && FileFixtures.exists(try #require(fresh.outboxDir)))

        let both = try await refkitCLI(["delete", "fresh", "--older-than", "30"], config: config)
        #expect(both.status != 0 && both.output.contains("one of them"), "\(both.output)")
        let zero = try await refkitCLI(["delete", "--older-than", "0"], config: config)
        #expect(zero.status != 0 && zero.output.contains("1 or more"), "\(zero.output)")
    }
}
