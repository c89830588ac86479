import Foundation
import RefkitTestSupport
import Testing

/// Files arriving the ways real tools write them are each taken exactly once, and only when complete.
@Suite("Intake: arrivals", .timeLimit(.minutes(1)))
struct ArrivalTests {
    @Test("a file copied in with cp is taken once")
    func copiedWithCp() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let bytes = try ImageFixtures.jpeg(seed: 11)
        try FileFixtures.write(bytes, to: "\(harness.folders.outside)/mira.jpg")
        try FileFixtures.run(["cp", "\(harness.folders.outside)/mira.jpg", "\(harness.inbox)/mira.jpg"])
        try await harness.waitUntil("mira.jpg taken") { try harness.inboxIsEmpty && (harness.count("SELECT count(*) FROM kits")) == 1 }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(["mira.jpg": bytes], by: harness)
    }

    @Test("a file moved in with mv is taken once")
    func movedWithMv() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let bytes = try ImageFixtures.png(seed: 12)
        try FileFixtures.write(bytes, to: "\(harness.folders.outside)/nova.png")
        try FileFixtures.run(["mv", "\(harness.folders.outside)/nova.png", "\(harness.inbox)/nova.png"])
        try await harness.waitUntil("nova.png taken") { try harness.inboxIsEmpty && (harness.count("SELECT count(*) FROM kits")) == 1 }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(["nova.png": bytes], by: harness)
    }

    @Test("rsync's pattern: written under a dot-temp name, renamed when done; the temp name is never taken")
    func renamedFromDotTemp() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let bytes = try ImageFixtures.jpeg(seed: 13, width: 200, height: 150)
        let temp = "\(harness.inbox)/.ayla.jpg.Xq81Zt"
        // Half now, half later: a taken temp file would be a truncated (rejected) image.
        try FileFixtures.write(Array(bytes.prefix(bytes.count / 2)), to: temp)
        try await harness.waitUntil("the temp file ignored") { FileFixtures.exists(temp) }
        try FileFixtures.write(bytes, to: temp)
        try FileFixtures.rename(temp, to: "\(harness.inbox)/ayla.jpg")
        try await harness.waitUntil("ayla.jpg taken") { try harness.inboxIsEmpty && (harness.count("SELECT count(*) FROM kits")) == 1 }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(["ayla.jpg": bytes], by: harness)
    }

    @Test("a slow writer (chunks over about 2 s, file held open) is taken once, complete")
    func slowWriter() async throws {
        let harness = try IntakeHarness()
        try await harness.start()
        let bytes = try ImageFixtures.png(seed: 14, width: 160, height: 120)
        try await FileFixtures.writeSlowly(bytes, to: "\(harness.inbox)/slow.png", chunks: 10, over: .seconds(2))
        try await harness.waitUntil("slow.png taken") { try harness.inboxIsEmpty && (harness.count("SELECT count(*) FROM kits")) == 1 }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(["slow.png": bytes], by: harness)
        #expect(try harness.count("SELECT count(*) FROM intake_claims") == 1, "never claimed while incomplete")
    }

    @Test("tar x of 200 files at once: each taken exactly once")
    func tarOf200() async throws {
        let harness = try IntakeHarness()
        let staging = try harness.directory.folder("staging")
        var images: [String: [UInt8]] = [:]
        for i in 0..<200 {
            let name = String(format: "batch-%03d.%@", i, i % 2 == 0 ? "jpg" : "png")
            let bytes =
                i % 2 == 0
                ? try ImageFixtures.jpeg(seed: 1000 + UInt64(i), width: 32, height: 24)
                : try ImageFixtures.png(seed: 1000 + UInt64(i), width: 32, height: 24)
            images[name] = bytes
            try FileFixtures.write(bytes, to: "\(staging)/\(name)")
        }
        #expect(Set(images.values.map { $0 }).count == 200, "distinct contents")
        let archive = harness.directory.url("batch.tar")
        try FileFixtures.run(["tar", "cf", archive, "-C", staging, "."])
        try await harness.start()
        try FileFixtures.run(["tar", "xf", archive, "-C", harness.inbox])
        try await harness.waitUntil("200 files taken", timeout: .seconds(50)) {
            try harness.inboxIsEmpty && (harness.count("SELECT count(*) FROM kits")) >= 200
        }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(images, by: harness)
    }

    @Test("files present before start-up are found by the start-up rescan")
    func presentBeforeStart() async throws {
        let harness = try IntakeHarness()
        let images = [
            "early-a.jpg": try ImageFixtures.jpeg(seed: 21), "early-b.png": try ImageFixtures.png(seed: 22),
            "early-c.webp": try ImageFixtures.image("webp", seed: 23),
        ]
        for (name, bytes) in images { try FileFixtures.write(bytes, to: "\(harness.inbox)/\(name)") }
        try await harness.start()
        try await harness.waitUntil("the early files taken") {
            try harness.inboxIsEmpty && (harness.count("SELECT count(*) FROM kits")) == 3
        }
        try await harness.stop()
        try await IntakeExpectations.takenOnce(images, by: harness)
    }
}
