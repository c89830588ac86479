import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `refkit` binary as a child process.
final class RefkitProcess {
    let child: ChildProcess
    let log: String

    init(_ arguments: [String], log: String) throws {
        self.log = log
        child = try ChildProcess(refkitBinary, arguments, stdout: .append(log), stderr: .stdout)
    }

    func kill(_ signal: Int32) { child.kill(signal) }

    /// A test that fails half-way must not leave a daemon running behind it.
    deinit {
        child.killAndReap()
    }

    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await eventually("refkit (pid \(child.pid)) to exit", timeout: timeout) { !child.isRunning }
        return child.terminationStatus ?? -1
    }
}

@Suite("Crash recovery", .timeLimit(.minutes(3)))
struct CrashRecoveryTests {
    /// `refkit once` waiting on a sidecar whose image has not come stops on SIGTERM at once
    /// (it waited out image_wait_ms before), and leaves the sidecar in the inbox.
    @Test func onceStopsOnSIGTERMWhileAFileWaitsForItsPartner() async throws {
        let dir = try TemporaryDirectory("once-stop")
        let inbox = try dir.folder("inbox")
        let config = dir.url("refkit.toml")
        try FileFixtures.write(
            """
            state_dir = "state"
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            image_wait_ms = 120000
              [watch.default_order]
              provider = "preview"
            """, to: config)
        try FileFixtures.write(#"{"stages": ["avatar"]}"#, to: "\(inbox)/lonely.json")
        let once = try RefkitProcess(["once", "--config", config, "--log-level", "debug"], log: dir.url("once.log"))
        try await eventually("the sidecar to wait for its image", timeout: .seconds(30)) {
            ((try? String(contentsOfFile: dir.url("once.log"), encoding: .utf8)) ?? "").contains("order waits for its image")
        }
        once.kill(SIGTERM)
        let status = try await once.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "\((try? String(contentsOfFile: dir.url("once.log"), encoding: .utf8)) ?? "")")
        #expect(FileFixtures.exists("\(inbox)/lonely.json"), "the waiting sidecar stays for the next run")
    }

    @Test func sigkillMidKitResumesWithoutRepeatingFinishedStages() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: refkitBinary), "build the refkit product first: \(refkitBinary)")
        let dir = try TemporaryDirectory("crash")
        let inbox = try dir.folder("inbox")
        let config = dir.url("refkit.toml")
        try FileFixtures.write(
            """
            state_dir = "state"
            [limits]
            concurrency = 1
            [providers.preview]
            delay_ms = 600
            concurrency = 1
            [[watch]]
            name = "w"
            inbox = "inbox"
            outbox = "outbox"
            settle_ms = 50
            sidecar_wait_ms = 100
              [watch.default_order]
              stages = "extended"
              provider = "preview"
            """, to: config)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 11, width: 200, height: 260), to: "\(inbox)/mira.jpg")

        let first = try RefkitProcess(["run", "--config", config], log: dir.url("first.log"))
        let dbPath = dir.url("state/refkit.sqlite")
        try await eventually("the database to appear", timeout: .seconds(30)) { FileManager.default.fileExists(atPath: dbPath) }
        let database = try RefkitDatabase(path: dbPath)
        try await eventually("three stages to finish", timeout: .seconds(60)) {
            try database.scalar("SELECT count(*) FROM stages WHERE status = 'done'") >= 3
        }
        first.kill(SIGKILL)
        _ = try await first.waitForExit()
        let doneBeforeKill = try database.scalar("SELECT count(*) FROM stages WHERE status = 'done'")
        let total = try database.scalar("SELECT count(*) FROM stages")
        #expect(doneBeforeKill < total, "the kill came too late to interrupt the kit")

        let second = try RefkitProcess(["run", "--config", config], log: dir.url("second.log"))
        try await eventually("the kit to complete after the restart", timeout: .seconds(90)) {
            try database.kit("mira")?.status == .complete
        }
        second.kill(SIGTERM)
        #expect(try await second.waitForExit() == 0, "SIGTERM is a clean stop")

        // Each stage finished exactly once: no stage done before the kill was made again.
        let doneEvents = try database.events(kitID: try #require(try database.kit("mira")).id).filter { $0.type == "stage_done" }
        let perStage = Dictionary(grouping: doneEvents, by: { $0.subject ?? "" }).mapValues(\.count)
        #expect(perStage.count == total)
        #expect(perStage.values.allSatisfy { $0 == 1 }, "stages made twice: \(perStage.filter { $0.value > 1 })")
        let folder = try #require(try database.kit("mira")?.outboxDir)
        let manifest = try checkManifest(kitFolder: folder)
        #expect(manifest["status"] == .string("complete"))
        // No half-written file anywhere in the outbox.
        let leftovers = FileFixtures.files(below: dir.url("outbox")).filter { $0.contains(".refkit-tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func checkCommandJudgesWithoutMoving() async throws {
        let dir = try TemporaryDirectory("check")
        let good = dir.url("good.jpg")
        let bad = dir.url("bad.jpg")
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 5), to: good)
        try FileFixtures.write("not an image", to: bad)
        let run = try RefkitProcess(["check", good, bad], log: dir.url("check.log"))
        #expect(try await run.waitForExit() == 1)
        let output = try String(contentsOfFile: dir.url("check.log"), encoding: .utf8)
        #expect(output.contains("ok        \(good)"))
        #expect(output.contains("rejected  \(bad)  source_text_not_image"))
        #expect(FileFixtures.exists(good) && FileFixtures.exists(bad))
    }
}
