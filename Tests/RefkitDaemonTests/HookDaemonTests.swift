import Foundation
import RefkitCore
import RefkitDaemon
import RefkitTestSupport
import Testing

/// `[[hook]]` in a running daemon: a kit made through the real pipeline is announced to a
/// command hook and to a URL hook on loopback, and the metrics count the deliveries.
@Suite("Hooks in the daemon", .timeLimit(.minutes(3)))
struct HookDaemonTests {
    @Test func aCompletedKitRunsTheCommandAndPostsToTheURL() async throws {
        let dir = try TemporaryDirectory("hook-daemon")
        let inbox = try dir.folder("inbox")
        let calls = dir.url("calls.txt")
        try FileFixtures.write("hook-key\n", to: dir.url("hook-key"))
        let receiver = try await LoopbackServer.start()
        receiver.route("POST", "/hook") { _ in .text("ok") }
        let text =
            lifecycleConfig(#"stages = ["front", "side"]"#) + "\n"
                + """
                [[hook]]
                name = "notify"
                on = ["kit_complete"]
                command = ["/bin/sh", "-c", "printf '%s %s %s\\\\n' \\"$0\\" \\"$1\\" \\"$REFKIT_EVENT\\" >> \(calls)"]
                [[hook]]
                name = "chat"
                url = "\(receiver.baseURL)/hook"
                secret_file = "hook-key"
                """
        let daemon = try Daemon.build(configuration: try loadConfiguration(text, in: dir), logger: quietLogger, providers: [:])
        let running = RunningDaemon(daemon)
        try FileFixtures.write(try ImageFixtures.jpeg(seed: 5, width: 96, height: 128), to: "\(inbox)/mira.jpg")
        try await eventually("the command hook's call") { FileManager.default.fileExists(atPath: calls) }
        try await eventually("the URL hook's delivery") { !receiver.requests(to: "/hook").isEmpty }
        let kit = try #require(try daemon.database.kit("mira"))
        let folder = try #require(kit.outboxDir)
        #expect(try String(contentsOfFile: calls, encoding: .utf8) == "\(folder) complete kit_complete\n")
        let request = try #require(receiver.requests(to: "/hook").first)
        #expect(request.header("x-refkit-event") == "kit_complete")
        #expect(try JSONValue.parse(request.body)["id"] == .string(kit.id))
        try await eventually("both deliveries recorded") {
            try daemon.database.hookDeliveries().map(\.status) == [.delivered, .delivered]
        }
        let metrics = daemon.metrics.registry.render()
        #expect(metrics.contains("refkit_hook_deliveries_total{hook=\"notify\",outcome=\"delivered\"} 1\n"), "\(metrics)")
        #expect(metrics.contains("refkit_hook_deliveries_total{hook=\"chat\",outcome=\"delivered\"} 1\n"))
        #expect(metrics.contains("refkit_hook_deliveries_total{hook=\"chat\",outcome=\"failed\"} 0\n"))
        try await running.stop()
        await receiver.stop()
    }
}
