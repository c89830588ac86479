import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Synchronization
import Testing

/// Seeing and re-sending hook deliveries, end to end: a running daemon whose URL hook's receiver
/// (a loopback server) answers 500 gives two kits' deliveries up (`max_attempts = 1`); the
/// operator sees them with the real `refkit hooks` binary, on the Hooks page and in the API, fixes
/// the receiver, and re-sends one with `refkit hooks resend` and the other with the page's form:
/// the running daemon delivers both, without a restart. The body and the secret are never shown.
@Suite("Hook deliveries: list and re-send", .timeLimit(.minutes(3)))
struct HookResendTests {
    static let secret = "hook-secret-9f8e7d"

    @Test func givenUpDeliveriesAreListedAndSentAgainByTheRunningDaemon() async throws {
        let dir = try TemporaryDirectory("hook-resend")
        let inbox = try dir.folder("inbox")
        try FileFixtures.write(Self.secret + "\n", to: dir.url("hook-key"))
        let receiver = try await LoopbackServer.start()
        let up = ReceiverSwitch()
        receiver.route("POST", "/hook") { _ in up.isUp ? .text("ok") : .text("down for maintenance", status: 500) }
        let text =
            lifecycleConfig(#"stages = ["front"]"#) + "\n"
                + """
                [[hook]]
                name = "chat"
                on = ["kit_complete"]
                url = "\(receiver.baseURL)/hook"
                secret_file = "hook-key"
                max_attempts = 1
                """
        let config = dir.url("refkit.toml")
        try FileFixtures.write(text, to: config)
        var configuration = try loadConfiguration(text, in: dir)
        configuration.web.enabled = true
        configuration.web.listen = ListenAddress(host: "127.0.0.1", port: 0)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": SeededProvider()])
        let running = RunningDaemon(daemon)
        let fixed = configuration
        let web = try WebServer(configuration: fixed, current: { fixed }, database: daemon.database, daemonPID: nil, logger: quietLogger)
        let serving = Task { await web.run() }
        let stop = {
            // A server left running while the test process exits can crash it in its socket pool's thread.
            web.shutdown()
            serving.cancel()
            await serving.value
            try await running.stop()
            await receiver.stop()
        }
        do {
            let client = WebClient(origin: web.origin, token: try #require(try WebToken.load(at: configuration.web.tokenFile)).value)
            try await Self.exercise(daemon.database, inbox: inbox, config: config, client: client, receiver: receiver, up: up)
        } catch {
            try? await stop()
            throw error
        }
        try await stop()
    }

    static func exercise(
        _ database: RefkitDatabase, inbox: String, config: String, client: WebClient, receiver: LoopbackServer, up: ReceiverSwitch
    ) async throws {

        for (n, name) in ["ada", "bo"].enumerated() {
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 40 + UInt64(n), width: 96, height: 128), to: "\(inbox)/\(name).jpg")
        }
        try await eventually("both deliveries given up", timeout: .seconds(60)) {
            try database.hookDeliveries().map(\.status) == [.failed, .failed]
        }
        let given = try database.hookDeliveries()
        let (first, second) = (given[0], given[1])
        let firstKit = try #require(try database.kits(ids: [first.kitID])[first.kitID])
        #expect(first.payload.contains("outbox_dir"), "the body is what the receiver gets, and what no listing may show")

        // The real binary, beside the running daemon.
        let list = try await refkitCLI(["hooks"], config: config)
        #expect(list.status == 0, "\(list.output)")
        #expect(list.output.contains("hook chat: 0 pending, 0 delivered, 2 failed"), "\(list.output)")
        let row = list.output.split(separator: "\n").first { $0.hasPrefix("\(first.id) ") }.map(String.init) ?? ""
        #expect(row.contains("chat") && row.contains("url") && row.contains("kit_complete") && row.contains(firstKit.name), "\(row)")
        #expect(row.contains("failed") && row.contains("HTTP 500: down for maintenance (gave up after 1 attempt)"), "\(row)")
        let failedOnly = try await refkitCLI(["hooks", "--status", "delivered", "--json"], config: config)
        #expect(try JSONValue.parse(Array(failedOnly.output.utf8))["deliveries"] == .array([]), "\(failedOnly.output)")
        let listed = try await refkitCLI(["hooks", "--kit", firstKit.name, "--limit", "5", "--json"], config: config)
        let json = try JSONValue.parse(Array(listed.output.utf8))
        #expect(json["deliveries"]?.arrayValue?.map { $0["id"] } == [.integer(Int(first.id))], "\(listed.output)")
        #expect(json["hooks"]?.arrayValue?.first?["failed"] == .integer(2))
        #expect(try await refkitCLI(["hooks", "--status", "lost"], config: config).status == 64)

        // The API and the page show the same, without the body or the secret.
        let api = try await client.send("GET", "/api/v1/hooks/deliveries?hook=chat&status=failed")
        #expect(api.status == 200 && api.json?["deliveries"]?.arrayValue?.count == 2, "\(api.body)")
        #expect(try openAPIProblems([("HookDeliveries", api.body)]) == nil)
        #expect(try await client.send("GET", "/api/v1/hooks/deliveries?status=lost").status == 400)
        let page = try await client.send("GET", "/hooks?status=failed")
        #expect(page.status == 200)
        #expect(page.body.contains("<a href=\"/hooks\">Hooks</a>"), "the nav links the page")
        #expect(page.body.contains("action=\"/hooks/deliveries/\(second.id)/resend\""), "a failed row has its Send again form")
        for shown in [list.output, listed.output, api.body, page.body] {
            #expect(!shown.contains("outbox_dir") && !shown.contains(Self.secret), "no body, no secret: \(shown)")
        }

        // The receiver is back: one re-sent from the CLI, the other from the page's form.
        up.isUp = true
        let resend = try await refkitCLI(["hooks", "resend", String(first.id)], config: config)
        #expect(resend.status == 0 && resend.output.contains("\(first.id) \(first.deliveryID) chat/url"), "\(resend.output)")
        let crossSite = try await client.send(
            "POST", "/hooks/deliveries/\(second.id)/resend", auth: false,
            headers: ["Cookie: refkit_token=\(client.token)", "Origin: https://evil.example"], body: "status=failed")
        #expect(crossSite.status == 403, "the page's form has the other forms' CSRF check")
        let form = try await client.send(
            "POST", "/hooks/deliveries/\(second.id)/resend", auth: false,
            headers: ["Cookie: refkit_token=\(client.token)", "Origin: \(client.origin)"], body: "status=failed")
        #expect(form.status == 303 && form.header("Location") == "/hooks?status=failed", "\(form.head)")
        try await eventually("both re-sent deliveries delivered by the running daemon", timeout: .seconds(30)) {
            try database.hookDeliveries().map(\.status) == [.delivered, .delivered]
        }
        #expect(receiver.requests(to: "/hook").count == 4, "two given up, two delivered")
        #expect(try database.hookDeliveries().map(\.attempts) == [2, 2], "the attempts were kept, one more made")

        // Who re-sent each is in the event log; a delivered one is refused, by both doors.
        let resentEvents = try database.events().filter { $0.type == "hook_resent" }
        #expect(resentEvents.map(\.subject) == [first.deliveryID, second.deliveryID])
        #expect(resentEvents.first?.message?.contains("by refkit hooks resend (user ") == true)
        #expect(resentEvents.last?.message?.contains("by the web UI") == true)
        let again = try await refkitCLI(["hooks", "resend", String(first.id)], config: config)
        #expect(
            again.status == 1 && again.output.contains("hook_delivery_not_failed") && again.output.contains("delivered"), "\(again.output)")
        let apiAgain = try await client.send("POST", "/api/v1/hooks/deliveries/\(second.id)/resend")
        #expect(apiAgain.status == 409 && apiAgain.errorCode == "hook_delivery_not_failed", "\(apiAgain.body)")
        #expect(try await client.send("POST", "/api/v1/hooks/deliveries/99999/resend").errorCode == "hook_delivery_unknown")
        #expect(try await refkitCLI(["hooks", "resend", "--failed"], config: config).output.contains("no given-up delivery"))
    }
}

/// Whether the test's receiver takes deliveries (it answers 500 until it is switched up).
final class ReceiverSwitch: Sendable {
    private let state = Mutex(false)
    var isUp: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
