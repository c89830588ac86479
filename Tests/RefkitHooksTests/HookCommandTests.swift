import Foundation
import RefkitConfig
import RefkitHooks
import RefkitStore
import RefkitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Command hooks: real processes through /bin/sh (the command itself is run without a shell;
/// the tests' commands are scripts only to write what they were given).
@Suite("Hooks: commands", .timeLimit(.minutes(2)))
struct HookCommandTests {
    /// Gone, or a zombie waiting for its reaper: not running either way.
    static func isDead(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        return state == "Z" || state == "X"
    }

    @Test func aCommandGetsTheKitFolderAndStatusAndAMinimalEnvironment() async throws {
        let rig = try HookRig()
        let out = rig.dir.url("args.txt")
        let env = rig.dir.url("env.txt")
        setenv("REFKIT_TEST_LEAK", "daemon-only", 1)
        let script = "printf '%s\\n' \"$0\" \"$1\" > \(out); env > \(env); echo said hello; echo and this >&2"
        let dispatcher = try rig.dispatcher([HookRig.commandHook("script", ["/bin/sh", "-c", script])])
        let kitID = try rig.finishedKit("mira", status: .partial)
        await dispatcher.pass()

        #expect(try String(contentsOfFile: out, encoding: .utf8) == "/out/mira\npartial\n")
        let variables = try String(contentsOfFile: env, encoding: .utf8).split(separator: "\n").map(String.init)
        let eventID = try rig.database.lastEventID()
        for expected in [
            "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "REFKIT_HOOK=script", "REFKIT_EVENT=kit_partial",
            "REFKIT_DELIVERY=\(eventID)-script", "REFKIT_KIT_ID=\(kitID)",
        ] {
            #expect(variables.contains(expected), "\(expected) in \(variables)")
        }
        #expect(
            !variables.contains { $0.hasPrefix("REFKIT_TEST_LEAK=") || $0.hasPrefix("HOME=") }, "the daemon's environment stays its own")
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.action == .command && row.status == .delivered && row.attempts == 1)
        #expect(rig.log.all.contains { $0.contains("hook command ran") && $0.contains("said hello") && $0.contains("and this") })
    }

    @Test func aCommandThatOutlivesItsTimeoutIsKilledWithItsChildren() async throws {
        let dir = try TemporaryDirectory("hook-timeout")
        let pids = dir.url("pids")
        let script = "echo $$ > \(pids); sleep 30 & echo $! >> \(pids); echo started; wait"
        let result = try await HookCommand.run(["/bin/sh", "-c", script], environment: [], timeout: .seconds(1))
        #expect(result.timedOut)
        #expect(result.signal == SIGKILL && result.status == nil)
        #expect(result.attempt == .failed(error: "timed out; its process group was killed"))
        #expect(result.outputText == "started\n")
        let started = try String(contentsOfFile: pids, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(started.count == 2)
        // The shell is reaped; its background sleep, in the same group, was killed too.
        try await eventually("the command's processes to end", timeout: .seconds(10)) { started.allSatisfy(Self.isDead) }
    }

    @Test func aTimedOutCommandHookIsRetriedLater() async throws {
        let rig = try HookRig()
        let dispatcher = try rig.dispatcher([HookRig.commandHook("slow", ["/bin/sh", "-c", "sleep 30"], timeout: 1)])
        try rig.finishedKit("mira")
        await dispatcher.pass()
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .pending && row.attempts == 1)
        #expect(row.lastError == "timed out; its process group was killed")
        #expect(rig.log.text.contains("hook command failed"))
    }

    @Test func outputIsKeptUpToItsBoundAndExitStatusesAreFailures() async throws {
        let loud = try await HookCommand.run(
            ["/bin/sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x; exit 3"], environment: [], timeout: .seconds(20), outputLimit: 100)
        #expect(loud.status == 3 && !loud.timedOut)
        #expect(loud.output == [UInt8](repeating: UInt8(ascii: "x"), count: 100))
        #expect(loud.droppedBytes == 19_900)
        #expect(loud.outputText.hasSuffix("[19900 more bytes not kept]"))
        #expect(loud.attempt == .failed(error: "exited with status 3"))
        let quiet = try await HookCommand.run(["/bin/true"], environment: [], timeout: .seconds(20))
        #expect(quiet.status == 0 && quiet.output.isEmpty && quiet.attempt == .succeeded)
    }

    @Test func aMissingProgramIsAnErrorNamingIt() async {
        do {
            _ = try await HookCommand.run(["/nonexistent/notify"], environment: [], timeout: .seconds(5))
            Issue.record("a missing program ran")
        } catch {
            #expect(error.description == "cannot start /nonexistent/notify: No such file or directory")
        }
    }
}
