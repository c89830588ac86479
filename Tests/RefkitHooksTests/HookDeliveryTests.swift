import Foundation
import RefkitConfig
import RefkitCore
import RefkitHooks
import RefkitStore
import RefkitTestSupport
import Testing

/// URL hooks end to end: a real database, the real curl client, a receiver on loopback that
/// checks signatures. The rig's clock moves by hand, so a retry comes due when the test says.
@Suite("Hooks: URL deliveries", .timeLimit(.minutes(2)))
struct HookDeliveryTests {
    @Test func aFinishedKitIsPostedSignedWithItsSummary() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url)])
        let kitID = try rig.finishedKit("mira")
        let eventID = try rig.database.lastEventID()
        await dispatcher.pass()

        let request = try #require(receiver.deliveries.first)
        #expect(receiver.deliveries.count == 1)
        #expect(FakeReceiver.verified(request), "the signature checks out under the shared secret")
        #expect(!FakeReceiver.verified(request, secret: Array("wrong".utf8)))
        #expect(request.header("x-refkit-event") == "kit_complete")
        #expect(request.header("x-refkit-delivery") == "\(eventID)-chat")
        #expect(request.header("x-refkit-timestamp") == "1800000000")
        #expect(request.header("content-type") == "application/json")
        let body = try JSONValue.parse(request.body)
        #expect(body["event"] == .string("kit_complete"))
        #expect(body["delivery"] == .string("\(eventID)-chat"))
        #expect(body["id"] == .string(kitID))
        #expect(body["kit"] == .string("mira"))
        #expect(body["status"] == .string("complete"))
        #expect(body["outbox_dir"] == .string("/out/mira"))
        #expect(body["stages_done"] == body["stages_total"])
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .delivered && row.attempts == 1)
        #expect(rig.log.text.contains("hook delivered"))
        #expect(!rig.log.text.contains("s3cret-key"), "the secret never reaches the log")
        await receiver.stop()
    }

    @Test func onlyTheEventsAHookAskedForReachIt() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        var studio = HookRig.urlHook("studio", url: receiver.url, on: [.qaFailed, .awaitingSelection])
        studio.watches = ["studio"]
        let dispatcher = try rig.dispatcher([studio])
        try rig.finishedKit("plain", watch: "studio")
        try rig.finishedKit("elsewhere", watch: "other", failedQA: true)
        try rig.finishedKit("flawed", watch: "studio", status: .partial, failedQA: true)
        try rig.database.awaitSelection(kitID: try rig.acceptedKit("chooser", watch: "studio"))
        await dispatcher.pass()
        #expect(receiver.deliveries.map { $0.header("x-refkit-event") ?? "" } == ["qa_failed", "awaiting_selection"])
        let bodies = try receiver.deliveries.map { try JSONValue.parse($0.body) }
        #expect(bodies.map { $0["kit"] } == [.string("flawed"), .string("chooser")])
        #expect(bodies.first?["status"] == .string("partial"), "qa_failed still says how the kit finished")
        await receiver.stop()
    }

    @Test func a500IsRetriedWithTheSameDeliveryID() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver(answers: [.text("database down", status: 500)])
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url)])
        try rig.finishedKit("mira")
        await dispatcher.pass()
        var row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .pending && row.attempts == 1 && row.lastError == "HTTP 500: database down")
        #expect(row.nextAt == Timestamp.string(HookRig.t0.addingTimeInterval(5)), "the first step, jitter at its middle")
        rig.advance(4.9)
        #expect(await dispatcher.sendDue() == 0, "not due yet")
        rig.advance(0.1)
        #expect(await dispatcher.sendDue() == 1)
        row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .delivered && row.attempts == 2)
        #expect(receiver.deliveries.count == 2)
        #expect(Set(receiver.deliveryIDs).count == 1)
        #expect(receiver.deliveries.allSatisfy { FakeReceiver.verified($0) })
        #expect(receiver.deliveries[0].body == receiver.deliveries[1].body, "every attempt sends the same body")
        #expect(rig.log.text.contains("tried again later"))
        await receiver.stop()
    }

    @Test func aFailureHoldsTheHooksOtherDeliveriesUntilTheNextPass() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver(answers: [.text("down", status: 502)])
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url), HookRig.commandHook("script", ["/bin/true"])])
        try rig.finishedKit("mira")
        try rig.finishedKit("olaf")
        await dispatcher.pass()
        #expect(receiver.deliveries.count == 1, "a receiver that is down is not sent the rest")
        let rows = try rig.database.hookDeliveries()
        #expect(
            rows.map { "\($0.hook)/\($0.action.rawValue):\($0.attempts)" } == [
                "chat/url:1", "script/command:1", "chat/url:0", "script/command:1",
            ])
        #expect(rows.filter { $0.hook == "script" }.allSatisfy { $0.status == .delivered }, "another hook's lane goes on")
        rig.advance(5)
        await dispatcher.pass()
        #expect(receiver.deliveries.count == 3)
        #expect(try rig.database.hookDeliveries().allSatisfy { $0.status == .delivered })
        await receiver.stop()
    }

    @Test func a429IsRetriedWhenItsRetryAfterSays() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver(answers: [.text("slow down", status: 429, headers: [("Retry-After", "120")])])
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url)])
        try rig.finishedKit("mira")
        await dispatcher.pass()
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .pending && row.nextAt == Timestamp.string(HookRig.t0.addingTimeInterval(120)))
        rig.advance(119)
        #expect(await dispatcher.sendDue() == 0, "the backoff's 5 s step does not override the receiver's ask")
        rig.advance(1)
        #expect(await dispatcher.sendDue() == 1)
        #expect(try rig.database.hookDeliveries().first?.status == .delivered)
        #expect(receiver.deliveries.count == 2)
        await receiver.stop()
    }

    @Test func aDeliveryIsGivenUpAfterMaxAttempts() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver(answers: Array(repeating: .text("no", status: 404), count: 3))
        var hook = HookRig.urlHook(url: receiver.url)
        hook.maxAttempts = 3
        let dispatcher = try rig.dispatcher([hook])
        try rig.finishedKit("mira")
        for _ in 0..<3 {
            await dispatcher.pass()
            rig.advance(3600)
        }
        await dispatcher.pass()
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .failed && row.attempts == 3)
        #expect(row.lastError == "HTTP 404: no (gave up after 3 attempts)")
        #expect(receiver.deliveries.count == 3)
        #expect(rig.log.all.contains { $0.contains("error") && $0.contains("hook delivery given up") }, "\(rig.log.text)")
        await receiver.stop()
    }

    @Test func anUnreachableReceiverIsRetried() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        let url = receiver.url
        await receiver.stop()
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: url)])
        try rig.finishedKit("mira")
        await dispatcher.pass()
        let row = try #require(try rig.database.hookDeliveries().first)
        #expect(row.status == .pending && row.attempts == 1)
        #expect(row.lastError?.hasPrefix("http_connect_failed") == true, "\(row.lastError ?? "")")
        #expect(row.lastError?.contains("/hook") == false, "the URL's path is masked: webhook tokens live there")
    }

    @Test func runWakesOnThePipelinesEvents() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        // The rig's tick is an hour: within the test only the start and the events wake it.
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url)])
        try rig.finishedKit("before")
        let running = Task { await dispatcher.run() }
        try await eventually("the delivery pending at start") { receiver.deliveries.count == 1 }
        let kitID = try rig.finishedKit("mira")
        rig.events.publish(.kitFinished(kitID: kitID, status: .complete))
        try await eventually("the delivery the event woke") { receiver.deliveries.count == 2 }
        running.cancel()
        await running.value

        // Events from another process (no broadcast) are found by the tick.
        let ticking = try rig.dispatcher([HookRig.urlHook(url: receiver.url)], tick: .milliseconds(20))
        let task = Task { await ticking.run() }
        try rig.finishedKit("olaf")
        try await eventually("the delivery the tick found") { receiver.deliveries.count == 3 }
        rig.events.finish()
        await task.value
        #expect(Set(receiver.deliveryIDs).count == 3)
        await receiver.stop()
    }

    /// The README's receiver snippet, run by python3 on a real delivery: it accepts the signature
    /// and refuses the same request under another secret or with its body changed.
    @Test func theReadmesPythonReceiverVerifiesARealDelivery() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver()
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url)])
        try rig.finishedKit("mira")
        await dispatcher.pass()
        let request = try #require(receiver.deliveries.first)
        await receiver.stop()

        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let readme = try String(contentsOfFile: root.appendingPathComponent("README.md").path, encoding: .utf8)
        let afterMarker = try #require(readme.components(separatedBy: "<!-- hook-verify -->\n```python\n").dropFirst().first)
        let snippet = try #require(afterMarker.components(separatedBy: "```").first)
        #expect(snippet.split(separator: "\n").count == 6, "the README promises six lines")
        let headers = ["X-Refkit-Timestamp", "X-Refkit-Signature"].map { "\"\($0)\": \"\(request.header($0) ?? "")\"" }
        let script =
            snippet + """
                headers = {\(headers.joined(separator: ", "))}
                body = bytes.fromhex("\(request.body.map { String(format: "%02x", $0) }.joined())")
                age = 10**10  # the rig's clock is not the machine's
                print(verify(b"s3cret-key", headers, body, age), verify(b"wrong", headers, body, age), verify(b"s3cret-key", headers, body + b" ", age))
                """
        try FileFixtures.write(script, to: rig.dir.url("verify.py"))
        let run = try await ChildProcess.runOffPool("/usr/bin/python3", [rig.dir.url("verify.py")])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output == "True False False\n")
    }

    @Test func runRemovesDeliveriesSettledLongAgo() async throws {
        let rig = try HookRig()
        let receiver = try await FakeReceiver(answers: [.text("ok"), .text("down", status: 500)])
        let dispatcher = try rig.dispatcher([HookRig.urlHook(url: receiver.url)])
        try rig.finishedKit("old")
        await dispatcher.pass()
        try rig.finishedKit("failing")
        await dispatcher.pass()
        rig.advance(31 * 86_400)
        // Its stream ended, run makes the pass it was woken for at start and returns.
        rig.events.finish()
        await dispatcher.run()
        let rows = try rig.database.hookDeliveries()
        #expect(rows.map(\.status) == [.delivered], "the old delivered one went; the retried one was then delivered")
        #expect(try JSONValue.parse(rows[0].payload)["kit"] == .string("failing"))
        #expect(rig.log.text.contains("old hook deliveries removed"))
        await receiver.stop()
    }

    @Test func withoutHooksTheCursorStillMoves() async throws {
        let rig = try HookRig()
        try rig.finishedKit("before")
        let dispatcher = try rig.dispatcher([])
        #expect(try rig.database.hookCursor() == (try rig.database.lastEventID()), "the log's history is not announced")
        try rig.finishedKit("after")
        await dispatcher.pass()
        #expect(try rig.database.hookCursor() == (try rig.database.lastEventID()))
        #expect(try rig.database.hookDeliveries().isEmpty)
    }

    @Test func secretsAreReadOnceAndErrorsNameTheFile() throws {
        let dir = try TemporaryDirectory("hook-secrets")
        try FileFixtures.write(Array("key-with-newline\n".utf8), to: dir.url("good"))
        try FileFixtures.write([], to: dir.url("empty"))
        var hook = HookRig.urlHook(url: "https://x.example/")
        hook.secretFile = dir.url("good")
        #expect(try HookSecrets(hooks: [hook]).key(of: "chat") == Array("key-with-newline".utf8))
        hook.secretFile = dir.url("empty")
        #expect(throws: HookSetupError.self) { try HookSecrets(hooks: [hook]) }
        hook.secretFile = dir.url("missing")
        do {
            _ = try HookSecrets(hooks: [hook])
            Issue.record("a missing secret file was accepted")
        } catch {
            #expect(error.description == "hook \"chat\": secret_file \(dir.url("missing")): cannot read it (No such file or directory)")
        }
    }
}
