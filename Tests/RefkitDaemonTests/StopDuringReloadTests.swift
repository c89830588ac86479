import Foundation
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A stop wins over a reload in flight: the real `refkit run`, a stage running, SIGHUP, then
/// SIGTERM before "configuration reloaded". The reload waits for the old scheduler's stages to
/// drain; the stop must end the process within `drain_timeout_s` all the same.
@Suite("Stop during a reload", .timeLimit(.minutes(2)))
struct StopDuringReloadTests {
    @Test func sigtermDuringASighupReloadExitsWithinTheDrainTimeout() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: refkitBinary), "build the refkit product first: \(refkitBinary)")
        let dir = try TemporaryDirectory("stop-during-reload")
        let config = dir.url("refkit.toml")
        // A stage that would run for ten minutes: only the drain deadline ends it.
        let text = """
            state_dir = "state"
            [daemon]
            drain_timeout_s = 2
            [providers.slow]
            kind = "preview"
            delay_ms = 600000

            """ + watchTable("a", provider: "slow")
        try FileFixtures.write(text, to: config)
        let run = try RefkitProcess(["run", "--config", config], log: dir.url("run.log"))
        let log = { (try? String(contentsOfFile: dir.url("run.log"), encoding: .utf8)) ?? "" }
        try await eventually("the daemon to be up", timeout: .seconds(30)) { log().contains("inbox rescanned") }
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 7, width: 120, height: 150), to: dir.url("a/inbox/held.jpg"))
        let database = try RefkitDatabase(path: dir.url("state/refkit.sqlite"))
        try await eventually("a stage to run", timeout: .seconds(30)) {
            try database.scalar("SELECT count(*) FROM stages WHERE status = 'running'") == 1
        }

        try FileFixtures.write(text.replacingOccurrences(of: "settle_ms = 30", with: "settle_ms = 40"), to: config)
        run.kill(SIGHUP)
        try await eventually("the reload to begin", timeout: .seconds(15)) { log().contains("reloading the configuration") }
        #expect(!log().contains("configuration reloaded"), "the reload must still wait for the running stage")
        run.kill(SIGTERM)
        let stopped = ContinuousClock.now
        let status = try await run.waitForExit(timeout: .seconds(20))
        #expect(status == 0, "\(log())")
        // drain_timeout_s (2 s) plus start-up slack of a shared CPU; the hang was unbounded.
        #expect(ContinuousClock.now - stopped < .seconds(15), "the stop took \(ContinuousClock.now - stopped)")
        #expect(log().contains("reload abandoned: refkit is stopping"), "\(log())")
        // The cancelled stage runs again at the next start rather than being lost.
        #expect(try database.scalar("SELECT count(*) FROM stages WHERE status IN ('pending', 'running')") >= 1)
    }
}
