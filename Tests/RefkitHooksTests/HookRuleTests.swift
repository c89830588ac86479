import Foundation
import RefkitConfig
import RefkitCore
import RefkitHooks
import RefkitStore
import Testing

/// The hooks' decisions as values: which events reach which hook, the backoff, a receiver's
/// answer, the signature and the body. No store, no network, no clock.
@Suite("Hooks: rules")
struct HookRuleTests {
    static func hook(
        _ name: String, on: [Configuration.Hook.Event] = Configuration.Hook.Event.allCases, watches: [String] = []
    )
        -> Configuration.Hook
    {
        var hook = Configuration.Hook(name: name)
        hook.on = on
        hook.watches = watches
        hook.command = ["/bin/true"]
        return hook
    }

    @Test func onlyKitNoticesAreHookEvents() {
        #expect(HookRule.event(ofType: "kit_complete") == .kitComplete)
        #expect(HookRule.event(ofType: "kit_partial") == .kitPartial)
        #expect(HookRule.event(ofType: "kit_failed") == .kitFailed)
        #expect(HookRule.event(ofType: "awaiting_selection") == .awaitingSelection)
        for other in ["stage_done", "accepted", "selected", "kit_queued", "qa_failed", "qa_rechecked", "deleted"] {
            #expect(HookRule.event(ofType: other) == nil, "\(other)")
        }
    }

    @Test func eachHookIsToldWhatItAskedFor() {
        let hooks = [
            Self.hook("all"), Self.hook("failures", on: [.kitFailed, .qaFailed]), Self.hook("done", on: [.kitComplete]),
            Self.hook("studio", watches: ["studio"]),
        ]
        func told(_ event: Configuration.Hook.Event, failedQA: Bool = false, watch: String = "w") -> [String] {
            HookRule.notices(for: event, failedQA: failedQA, watch: watch, hooks: hooks).map { "\($0.hook):\($0.event.rawValue)" }
        }
        #expect(told(.kitComplete) == ["all:kit_complete", "done:kit_complete"])
        #expect(told(.kitComplete, failedQA: true) == ["all:qa_failed", "failures:qa_failed", "done:kit_complete"])
        #expect(told(.kitPartial, failedQA: true) == ["all:qa_failed", "failures:qa_failed"])
        #expect(told(.kitFailed) == ["all:kit_failed", "failures:kit_failed"])
        #expect(told(.kitFailed, failedQA: true) == ["all:kit_failed", "failures:kit_failed"], "a failed kit is not a QA failure")
        #expect(told(.awaitingSelection, watch: "studio") == ["all:awaiting_selection", "studio:awaiting_selection"])
        #expect(
            told(.kitComplete, failedQA: true, watch: "studio") == [
                "all:qa_failed", "failures:qa_failed", "done:kit_complete", "studio:qa_failed",
            ])
        #expect(HookRule.asksAboutQA(.kitComplete) && HookRule.asksAboutQA(.kitPartial))
        #expect(!HookRule.asksAboutQA(.kitFailed) && !HookRule.asksAboutQA(.awaitingSelection))
    }

    @Test func theBackoffFollowsItsStepsWithinTheJitter() {
        let backoff = HookBackoff.standard
        let expected: [Double] = [5, 30, 120, 600, 3600, 3600, 3600]
        for (i, seconds) in expected.enumerated() {
            #expect(backoff.delay(afterAttempt: i + 1, random: 0.5) == .seconds(seconds), "attempt \(i + 1)")
            #expect(backoff.delay(afterAttempt: i + 1, random: 0) == .seconds(seconds * 0.8))
            #expect(backoff.delay(afterAttempt: i + 1, random: 0.999_999) > .seconds(seconds * 1.199))
        }
        #expect(backoff.delay(afterAttempt: 0, random: 0.5) == .seconds(5), "an out-of-range attempt takes the first step")
        #expect(backoff.delay(afterAttempt: 2, random: 7) == .seconds(36), "random is clamped")
    }

    @Test func settlingAnAttempt() {
        let backoff = HookBackoff.standard
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(backoff.settle(.succeeded, attempts: 8, maxAttempts: 8, now: now, random: 0.5) == .delivered)
        #expect(
            backoff.settle(.failed(error: "HTTP 500"), attempts: 2, maxAttempts: 8, now: now, random: 0.5)
                == .retry(at: now.addingTimeInterval(30), error: "HTTP 500"))
        #expect(
            backoff.settle(.failed(error: "HTTP 429", retryAfter: .seconds(90)), attempts: 1, maxAttempts: 8, now: now, random: 0)
                == .retry(at: now.addingTimeInterval(90), error: "HTTP 429"), "Retry-After wins, without jitter")
        #expect(
            backoff.settle(.failed(error: "HTTP 503", retryAfter: .seconds(86_400)), attempts: 1, maxAttempts: 8, now: now, random: 0)
                == .retry(at: now.addingTimeInterval(3600), error: "HTTP 503"), "and is capped")
        #expect(
            backoff.settle(.failed(error: "HTTP 500"), attempts: 8, maxAttempts: 8, now: now, random: 0.5)
                == .failed(error: "HTTP 500 (gave up after 8 attempts)"))
        #expect(
            backoff.settle(.failed(error: "x"), attempts: 1, maxAttempts: 1, now: now, random: 0.5)
                == .failed(error: "x (gave up after 1 attempt)"))
    }

    @Test func aReceiversAnswer() {
        #expect(HookAttempt(status: 200, retryAfter: nil, body: []) == .succeeded)
        #expect(HookAttempt(status: 204, retryAfter: .seconds(3), body: []) == .succeeded)
        #expect(HookAttempt(status: 500, retryAfter: .seconds(3), body: Array("boom\nagain".utf8)) == .failed(error: "HTTP 500: boomagain"))
        #expect(HookAttempt(status: 429, retryAfter: .seconds(3), body: []) == .failed(error: "HTTP 429", retryAfter: .seconds(3)))
        #expect(HookAttempt(status: 503, retryAfter: .seconds(3), body: []) == .failed(error: "HTTP 503", retryAfter: .seconds(3)))
        #expect(HookAttempt(status: 404, retryAfter: nil, body: []) == .failed(error: "HTTP 404"))
        let long = HookAttempt(status: 400, retryAfter: nil, body: [UInt8](repeating: UInt8(ascii: "x"), count: 5000))
        #expect(long == .failed(error: "HTTP 400: " + String(repeating: "x", count: 200)), "the receiver's text is bounded")
    }

    @Test func theSignatureIsHMACOfTimestampDotBody() {
        let body = Array(#"{"event":"kit_complete"}"#.utf8)
        // python3: hmac.new(b'topsecret', b'1700000000.' + body, hashlib.sha256).hexdigest()
        let expected = "sha256=93def1eb92c21b203d2bbc81ea5ad5609ccea5e325401dcf7e13f6630bb22be9"
        #expect(HookSignature.signature(secret: Array("topsecret".utf8), timestamp: 1_700_000_000, body: body) == expected)
        let headers = HookSignature.headers(
            secret: Array("topsecret".utf8), body: body, timestamp: 1_700_000_000, delivery: "12-chat", event: "kit_complete")
        let byName = Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
        #expect(byName["X-Refkit-Signature"] == expected)
        #expect(byName["X-Refkit-Timestamp"] == "1700000000")
        #expect(byName["X-Refkit-Delivery"] == "12-chat")
        #expect(byName["X-Refkit-Event"] == "kit_complete")
        #expect(byName["Content-Type"] == "application/json")
        #expect(HookSignature.signature(secret: Array("other".utf8), timestamp: 1_700_000_000, body: body) != expected)
        #expect(HookSignature.signature(secret: Array("topsecret".utf8), timestamp: 1_700_000_001, body: body) != expected)
    }

    @Test func theBodyIsTheSummaryWithTheNotice() throws {
        let summary = JSONValue.object([("id", .string("k1")), ("status", .string("complete")), ("event", .string("stale"))])
        let body = HookPayload.body(summary: summary, event: "qa_failed", delivery: "7-chat", outboxDir: "/out/mira")
        #expect(body == #"{"event":"qa_failed","delivery":"7-chat","id":"k1","status":"complete","outbox_dir":"/out/mira"}"#)
        #expect(HookPayload.commandArguments(of: body) == ("/out/mira", "complete"))
        let none = HookPayload.body(summary: summary, event: "kit_failed", delivery: "8-chat", outboxDir: nil)
        #expect(try JSONValue.parse(none)["outbox_dir"] == .null)
        #expect(HookPayload.commandArguments(of: none) == ("", "complete"))
        #expect(HookDeliveryRecord.deliveryID(eventID: 1234, hook: "chat") == "1234-chat")
    }

    @Test func aHookURLsPathIsMaskedInErrors() {
        let url = "https://hooks.slack.com/services/T0/B0/XXXXSECRET?x=1"
        #expect(
            HookURL.masked("http_timeout: timed out (https://hooks.slack.com/services/T0/B0/XXXXSECRET?x=1)", url: url)
                == "http_timeout: timed out (https://hooks.slack.com/…?x=1)")
        #expect(HookURL.masked("refused https://a.example/", url: "https://a.example/") == "refused https://a.example/")
        #expect(HookURL.masked("no url here", url: url) == "no url here")
        #expect(HookURL.masked("x", url: "not a url") == "x")
    }
}
