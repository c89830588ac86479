import Foundation
import RefkitConfig
import RefkitCore
import RefkitWeb
import Synchronization
import Testing

/// "Check again" (`POST /api/v1/kits/{id}/qa`) as values: the body, every refusal, the routes,
/// and the checks' one-at-a-time rule, without a server, a store or a clock.
@Suite("Check a kit again: the request and its refusals")
struct KitQARequestTests {
    static func qa(enabled: Bool = true, judge: String? = nil) -> Configuration.QA {
        var qa = Configuration.QA()
        qa.enabled = enabled
        qa.judge = judge
        return qa
    }

    @Test func theBodySaysWhetherToAskTheJudge() throws {
        #expect(try KitQARequest(json: [:]).judge == false)
        #expect(try KitQARequest(json: ["judge": .bool(false)]).judge == false)
        #expect(try KitQARequest(json: ["judge": .bool(true)]).judge == true)
        #expect(throws: WebProblem(400, "bad_request", "\"judge\" is true or false")) {
            try KitQARequest(json: ["judge": .string("yes")])
        }
        #expect(throws: WebProblem(400, "bad_request", "unknown key \"jugde\"; this endpoint takes judge")) {
            try KitQARequest(json: ["jugde": .bool(true)])
        }
        #expect(KitQARequest(form: WebForm("judge=yes")).judge)
        #expect(!KitQARequest(form: WebForm("")).judge)
    }

    @Test func aFinishedKitMayBeCheckedWithQAOn() {
        for status in [KitStatus.complete, .partial, .failed] {
            #expect(KitQARequest(judge: false).refusal(kit: "ann", status: status, qa: Self.qa(), checking: false) == nil)
            #expect(KitQARequest(judge: true).refusal(kit: "ann", status: status, qa: Self.qa(judge: "analyzer"), checking: false) == nil)
            #expect(KitQARequest.offered(status: status, qa: Self.qa()))
        }
    }

    @Test func qaOffComesFirst() {
        let refusal = KitQARequest(judge: true).refusal(kit: "ann", status: .generating, qa: Self.qa(enabled: false), checking: true)
        #expect(refusal?.status == 409 && refusal?.code == "qa_off")
        #expect(refusal?.message.hasPrefix("[qa] is off") == true, "\(refusal?.message ?? "")")
        #expect(!KitQARequest.offered(status: .complete, qa: Self.qa(enabled: false)))
    }

    @Test func theJudgeAskedForWithoutOneIsABadRequest() {
        let refusal = KitQARequest(judge: true).refusal(kit: "ann", status: .complete, qa: Self.qa(), checking: false)
        #expect(refusal?.status == 400 && refusal?.code == "judge_not_configured")
        #expect(refusal?.message.contains("[qa] judge") == true)
    }

    @Test func aKitNotFinishedIsRefusedWithWhatItIsDoing() {
        let reasons: [KitStatus: String] = [
            .queued: "is queued", .analyzing: "is being analyzed", .generating: "is still generating",
            .awaitingSelection: "waits for its avatar to be chosen",
        ]
        for (status, reason) in reasons {
            let refusal = KitQARequest(judge: false).refusal(kit: "ann", status: status, qa: Self.qa(), checking: false)
            #expect(refusal?.status == 409 && refusal?.code == "kit_busy", "\(status)")
            #expect(refusal?.message.hasPrefix("ann \(reason)") == true, "\(refusal?.message ?? "")")
            #expect(!KitQARequest.offered(status: status, qa: Self.qa()))
        }
    }

    @Test func aKitBeingCheckedIsNotCheckedTwice() {
        let refusal = KitQARequest(judge: false).refusal(kit: "ann", status: .partial, qa: Self.qa(), checking: true)
        #expect(refusal?.status == 409 && refusal?.code == "kit_busy")
        #expect(refusal?.message.contains("being checked again already") == true)
    }

    @Test func theRoutes() throws {
        #expect(try WebRoute.match(method: "POST", path: "/api/v1/kits/ann/qa").get() == .qa("ann"))
        #expect(WebRoute.qa("ann").isAPI)
        #expect(WebRoute.match(method: "GET", path: "/api/v1/kits/ann/qa") == .failure(.method(["POST"])))
        #expect(try WebRoute.match(method: "POST", path: "/kits/ann/qa").get() == .formQA("ann"))
        #expect(!WebRoute.formQA("ann").isAPI)
        #expect(WebLinks.qa("a b") == "/kits/a%20b/qa")
    }

    /// One check per kit at a time: a second start is refused until the first ends, other kits
    /// are not held up, and a check that throws is reported.
    @Test func oneCheckPerKitAtATime() async {
        let release = Latch<Void>()
        let started = AsyncStream<String>.makeStream()
        let failures = Mutex<[String]>([])
        let checks = WebQAChecks { kitID, judge in
            started.continuation.yield("\(kitID) \(judge)")
            _ = await release.wait()
            if kitID == "bad" { throw CheckFailed() }
        }
        let failed: @Sendable (any Error) -> Void = { error in failures.withLock { $0.append("\(error)") } }
        #expect(checks.start(kitID: "ann", judge: true, failed: failed))
        #expect(checks.isChecking("ann"))
        #expect(!checks.start(kitID: "ann", judge: false, failed: failed), "a second check of the same kit")
        #expect(checks.start(kitID: "bad", judge: false, failed: failed))
        var seen: Set<String> = []
        for await name in started.stream {
            seen.insert(name)
            if seen.count == 2 { break }
        }
        #expect(seen == ["ann true", "bad false"])
        release.open()
        await checks.finish()
        #expect(!checks.isChecking("ann") && !checks.isChecking("bad"))
        #expect(failures.withLock { $0 } == ["CheckFailed()"])
        #expect(checks.start(kitID: "ann", judge: false, failed: failed), "once ended, the kit may be checked again")
        await checks.finish()
    }

    struct CheckFailed: Error {}
}

/// The kit page's "Check again": beside the kit's QA line, the judge's box only with a judge,
/// hidden while the kit is being made; each card carries its verdict for app.js to compare.
@Suite("Check a kit again: the kit page")
struct KitQAPageTests {
    @Test func theButtonTheJudgeBoxAndTheCardsVerdicts() throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("ann", stages: [.avatar, .front])
        try fixture.make(id, .avatar)
        try fixture.make(id, .front)
        try fixture.finish(id, .complete, folder: "ann")
        var view = try #require(try KitPageView.load(database: fixture.database, kitID: id))
        #expect(!WebPages.kit(view).contains("qa-check"), "not offered without the daemon or with [qa] off")
        #expect(KitPageView.CheckAgain.offer(kit: view.kit, qa: KitQARequestTests.qa(enabled: false)) == nil)

        view.checkAgain = KitPageView.CheckAgain.offer(kit: view.kit, qa: KitQARequestTests.qa())
        #expect(view.checkAgain == KitPageView.CheckAgain(judge: false, available: true))
        let plain = WebPages.kit(view)
        #expect(plain.contains("<form class=\"qa-check\" method=\"post\" action=\"/kits/\(id)/qa\">"))
        #expect(plain.contains("data-action=\"qa\"") && !plain.contains("name=\"judge\""))
        #expect(plain.components(separatedBy: "data-qa=\"\">").count == 3, "two cards, neither checked: no verdict")

        view.checkAgain = KitPageView.CheckAgain.offer(kit: view.kit, qa: KitQARequestTests.qa(judge: "analyzer"))
        #expect(WebPages.kit(view).contains("<input type=\"checkbox\" name=\"judge\" value=\"yes\"> with the judge"))

        let busy = try fixture.kit("bob")
        let generating = try #require(try KitPageView.load(database: fixture.database, kitID: busy))
        let offer = try #require(KitPageView.CheckAgain.offer(kit: generating.kit, qa: KitQARequestTests.qa()))
        #expect(!offer.available)
        var page = generating
        page.checkAgain = offer
        #expect(WebPages.kit(page).contains("action=\"/kits/\(busy)/qa\" hidden>"))
    }
}
