import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Testing

/// A partial kit made with QA on (the real face models: obama's source, biden's face as the front,
/// which fails identity), then a running daemon on its state with the web server the daemon would
/// serve, "Check again" wired to it. The gemini provider is a `SeededProvider` the test can hold.
struct WebQARig {
    let dir: TemporaryDirectory
    let file: String
    let text: String
    let provider: SeededProvider
    let daemon: Daemon
    let running: RunningDaemon
    let web: WebServer
    let serving: Task<Void, Never>
    let checks: WebQAChecks
    let client: WebClient
    var database: RefkitDatabase { daemon.database }

    /// `loose`: the daemon starts with `[qa.thresholds]` under which biden's face passes as obama's (warn).
    /// `qa`, `tables`, `keys`: more `[qa]` lines, tables and key files (a judge), as `QARig.run` takes them.
    static func with(
        _ label: String, loose: Bool = false, qa: String = "", tables: String = "", keys: [String: String] = [:],
        _ body: (WebQARig) async throws -> Void
    ) async throws {
        // The first daemon is let go before the second starts (it holds the state directory's lock).
        func partialKit() async throws -> TemporaryDirectory {
            // `max_regenerations` last: `loosened` adds the thresholds' table after it.
            let rig = try await QARig.run(
                label, stages: #"["avatar", "front"]"#, answers: [try QAImages.photo("obama3.jpg"), try QAImages.photo("biden.jpg")],
                qa: qa + "\nmax_regenerations = 0", tables: tables, keys: keys)
            #expect(rig.summary.kits[.partial] == 1, "\(rig.summary.kits)")
            return rig.dir
        }
        let dir = try await partialKit()
        let file = dir.url("refkit.toml")
        let text = String(decoding: FileFixtures.read(file) ?? [], as: UTF8.self)
        if loose { try FileFixtures.write(Self.loosened(text), to: file) }
        var configuration = try ConfigurationLoader.load(path: file)
        configuration.web.enabled = true
        configuration.web.listen = ListenAddress(host: "127.0.0.1", port: 0)
        let provider = SeededProvider()
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["gemini": provider])
        let running = RunningDaemon(daemon)
        let checks = daemon.webQAChecks()
        let web = try WebServer(
            configuration: configuration, current: { daemon.configuration }, database: daemon.database, daemonPID: nil,
            logger: quietLogger, qaChecks: checks)
        let serving = Task { await web.run() }
        let rig = WebQARig(
            dir: dir, file: file, text: text, provider: provider, daemon: daemon, running: running, web: web, serving: serving,
            checks: checks,
            client: WebClient(origin: web.origin, token: try #require(try WebToken.load(at: configuration.web.tokenFile)).value))
        do {
            try await body(rig)
        } catch {
            try? await rig.stop()
            throw error
        }
        try await rig.stop()
    }

    func stop() async throws {
        provider.open("front")
        await checks.finish()
        web.shutdown()
        serving.cancel()
        await serving.value
        try await running.stop()
    }

    /// The configuration with identity edges biden's face is within (a warn, between them).
    static func loosened(_ text: String) -> String {
        text.replacingOccurrences(
            of: "max_regenerations = 0", with: "max_regenerations = 0\n[qa.thresholds]\nidentity_pass = 1.5\nidentity_fail = 1.6")
    }

    /// Writes `text` as the configuration file and reloads the daemon, until `loaded` holds for its configuration.
    func reload(_ text: String, until loaded: @escaping @Sendable (Configuration) -> Bool) async throws {
        try FileFixtures.write(text, to: file)
        daemon.reload()
        try await eventually("the daemon to reload its configuration") { loaded(daemon.configuration) }
    }

    /// The kit's `qa_rechecked` events.
    func rechecks(_ kitID: String) throws -> Int { try database.events(kitID: kitID).filter { $0.type == "qa_rechecked" }.count }

    func front(_ kitID: String) throws -> StageRecord {
        try #require(try database.stages(kitID: kitID).first { $0.stage == .front })
    }
}

@Suite("Web API: check a kit again", .serialized, .timeLimit(.minutes(3)))
struct WebQATests {
    /// `POST /api/v1/kits/{id}/qa`: 202 at once, the daemon records the verdicts and publishes
    /// the kit; under the same thresholds the front still fails, after they are loosened (and
    /// the daemon reloaded) it warns and the kit is complete. Every refusal, over real HTTP.
    @Test func aVerdictChangesAfterTheThresholdsChange() async throws {
        try await WebQARig.with("web-qa-api") { rig in
            let client = rig.client
            let kit = try #require(try rig.database.kit("obama"))
            #expect(try rig.front(kit.id).qa?.verdict == .fail)

            let unknown = try await client.send("POST", "/api/v1/kits/nobody/qa", json: "{}")
            #expect(unknown.status == 404 && unknown.errorCode == "kit_unknown", "\(unknown.body)")
            let judge = try await client.send("POST", "/api/v1/kits/obama/qa", json: #"{"judge": true}"#)
            #expect(judge.status == 400 && judge.errorCode == "judge_not_configured", "\(judge.body)")
            let typo = try await client.send("POST", "/api/v1/kits/obama/qa", json: #"{"judge": "no"}"#)
            #expect(typo.status == 400 && typo.errorCode == "bad_request", "\(typo.body)")
            let crossSite = try await client.send(
                "POST", "/api/v1/kits/obama/qa", auth: false,
                headers: ["Cookie: refkit_token=\(client.token)", "Origin: https://evil.example"])
            #expect(crossSite.status == 403, "the other kit actions' door")
            #expect(try rig.rechecks(kit.id) == 0, "no refusal started a check")

            // The same thresholds: checked again, still failing; the kit is published partial again.
            let same = try await client.send("POST", "/api/v1/kits/\(kit.id)/qa", json: #"{"judge": false}"#)
            #expect(same.status == 202, "\(same.body)")
            #expect(same.json?["kit_id"] == .string(kit.id) && same.json?["judge"] == .bool(false))
            #expect(same.json?["page"] == .string("/kits/\(kit.id)") && same.json?["events"] == .string("/api/v1/events"))
            let problems = try openAPIProblems([("QACheck", same.body), ("Error", unknown.body), ("Error", judge.body)])
            #expect(problems == nil, "\(problems ?? "")")
            try await eventually("the check to be recorded and the kit published again") {
                try rig.rechecks(kit.id) == 1 && rig.database.kit(kit.id)?.status == .partial
            }
            #expect(try rig.front(kit.id).qa?.verdict == .fail)

            // Looser identity edges, reloaded: the same image now warns, and the kit is complete.
            try await rig.reload(WebQARig.loosened(rig.text)) { $0.qa.thresholds.identityFrontal.pass == 1.5 }
            let loose = try await client.send("POST", "/api/v1/kits/obama/qa")
            #expect(loose.status == 202, "\(loose.body)")
            try await eventually("the new verdicts to be published") {
                try rig.rechecks(kit.id) == 2 && rig.database.kit(kit.id)?.status == .complete
            }
            let front = try rig.front(kit.id)
            #expect(front.qa?.verdict == .warn && front.qa?.attempts == 1, "no image was made again")
            #expect(rig.provider.calls.isEmpty, "no provider was asked")
            let detail = try await client.send("GET", "/api/v1/kits/\(kit.id)")
            let stages = detail.json?["stages"]?.arrayValue ?? []
            #expect(stages.first { $0["stage"] == .string("front") }?["qa"]?["verdict"] == .string("warn"), "\(detail.body)")
            let manifest = try checkManifest(kitFolder: try #require(try rig.database.kit(kit.id)?.outboxDir))
            #expect(manifest["status"] == .string("complete"))

            // A kit being made again is refused with what it is doing.
            rig.provider.hold("front")
            let regenerate = try await client.send("POST", "/api/v1/kits/\(kit.id)/regenerate", json: #"{"stages": ["front"]}"#)
            #expect(regenerate.status == 200, "\(regenerate.body)")
            try await eventually("the front to be asked for") { rig.provider.held("front") == 1 }
            let busy = try await client.send("POST", "/api/v1/kits/\(kit.id)/qa", json: "{}")
            #expect(busy.status == 409 && busy.errorCode == "kit_busy", "\(busy.body)")
            #expect(busy.body.contains("obama is still generating"), "\(busy.body)")
            #expect(try openAPIProblems([("Error", busy.body)]) == nil)
            rig.provider.open("front")
            try await eventually("the regenerated kit to finish") { try rig.database.kit(kit.id)?.status.isFinished == true }

            // [qa] off, reloaded: refused, whatever the kit.
            let off = rig.text.replacingOccurrences(of: "max_regenerations = 0", with: "max_regenerations = 0\nenabled = false")
            try await rig.reload(off) { !$0.qa.enabled }
            let refused = try await client.send("POST", "/api/v1/kits/\(kit.id)/qa", json: "{}")
            #expect(refused.status == 409 && refused.errorCode == "qa_off", "\(refused.body)")
            #expect(refused.body.contains("[qa] is off"))
            #expect(try rig.rechecks(kit.id) == 2)
        }
    }

    /// The page's form without a script posts and comes back (303), the check started as the API starts it.
    @Test func theFormPostsAndComesBack() async throws {
        try await WebQARig.with("web-qa-form", loose: true) { rig in
            let kit = try #require(try rig.database.kit("obama"))
            let page = try await rig.client.send("GET", "/kits/\(kit.id)")
            #expect(page.body.contains("<form class=\"qa-check\" method=\"post\" action=\"/kits/\(kit.id)/qa\">"), "\(page.body)")
            #expect(!page.body.contains("name=\"judge\""), "no judge is configured")
            #expect(page.body.contains("data-qa=\"fail\">"))
            let posted = try await rig.client.send("POST", "/kits/\(kit.id)/qa", body: "")
            #expect(posted.status == 303 && posted.header("Location") == "/kits/\(kit.id)", "\(posted.head)")
            try await eventually("the check to be recorded") { try rig.rechecks(kit.id) == 1 }
            try await eventually("the kit to be published complete") { try rig.database.kit(kit.id)?.status == .complete }
            let after = try await rig.client.send("GET", "/kits/\(kit.id)")
            #expect(after.body.contains("data-qa=\"warn\">") && !after.body.contains("data-qa=\"fail\">"))

            // A check that cannot run (the front's work file is gone) says so in the kit's events.
            let file = try #require(try rig.front(kit.id).file)
            try FileManager.default.removeItem(atPath: "\(rig.daemon.configuration.stateDir)/\(file)")
            #expect(try await rig.client.send("POST", "/api/v1/kits/\(kit.id)/qa").status == 202)
            try await eventually("the failed check to be recorded") {
                try rig.database.events(kitID: kit.id).contains { $0.type == "qa_recheck_failed" && $0.code == "work_file_missing" }
            }
            #expect(try rig.rechecks(kit.id) == 1 && rig.database.kit(kit.id)?.status == .complete, "nothing was recorded")
        }
    }
}

extension WebQATests {
    /// With a judge configured, `judge: true` asks it through the daemon's own judge (as
    /// `refkit qa --judge` would), its answers recorded with their cost; `judge: false` leaves
    /// the judge's earlier answer standing and asks nothing.
    @Test func theJudgeIsAskedOnlyWhenAskedFor() async throws {
        let analyzer = try await FakeAnalyzer.start()
        for _ in 0..<6 { analyzer.script(.content(QAJudgeDaemonTests.rubric(view: "front"))) }
        try await WebQARig.with(
            "web-qa-judge", loose: true, qa: #"judge = "analyzer""# + "\njudge_price_per_call_usd = 0.001",
            tables: """
                [analyzer]
                base_url = "\(analyzer.baseURL)"
                model = "vision-judge-1"
                api_key_file = "analyzer.key"
                """, keys: ["analyzer.key": analyzer.key]
        ) { rig in
            let kit = try #require(try rig.database.kit("obama"))
            let first = analyzer.requests.count
            #expect(first >= 1, "the kit's own run asked the judge about the avatar")
            let page = try await rig.client.send("GET", "/kits/\(kit.id)")
            #expect(page.body.contains("<input type=\"checkbox\" name=\"judge\" value=\"yes\"> with the judge"))

            #expect(try await rig.client.send("POST", "/api/v1/kits/\(kit.id)/qa", json: #"{"judge": false}"#).status == 202)
            try await eventually("the check without the judge") {
                try rig.rechecks(kit.id) == 1 && rig.database.kit(kit.id)?.status == .complete
            }
            #expect(analyzer.requests.count == first, "the judge was not asked")
            let spent = try rig.database.qaSpend(kitID: kit.id)

            let asked = try await rig.client.send("POST", "/api/v1/kits/\(kit.id)/qa", json: #"{"judge": true}"#)
            #expect(asked.status == 202 && asked.json?["judge"] == .bool(true), "\(asked.body)")
            try await eventually("the check with the judge") {
                try rig.rechecks(kit.id) == 2 && rig.database.kit(kit.id)?.status == .complete
            }
            #expect(analyzer.requests.count > first, "the judge was asked")
            #expect(try rig.database.qaSpend(kitID: kit.id) > spent, "its calls were paid within the kit's budgets")
            let front = try rig.front(kit.id)
            #expect(front.qa?.checks.contains { $0.check == .judge && $0.verdict != .skipped } == true, "\(front.qa?.checks ?? [])")
        }
        await analyzer.stop()
    }
}

extension WebBrowserTests {
    /// "Check again" on a kit page: after the thresholds were loosened, the front's failed
    /// verdict turns to warn on the page, live, and the kit to complete, without a reload.
    @Test func checkAgainShowsTheNewVerdict() async throws {
        try await WebQARig.with("web-ui-qa", loose: true) { rig in
            let kit = try #require(try rig.database.kit("obama"))
            let browser = try await WebDriver.start()
            do {
                try await browser.navigate(to: rig.web.origin + "/login?token=" + rig.client.token)
                try await browser.navigate(to: rig.web.origin + "/kits/\(kit.id)")
                try await browser.execute("window.__stayed = true")
                let card = "article[data-stage=\"front\"]"
                #expect(try await browser.attribute(try await browser.find(card), "data-qa") == "fail")
                try await browser.waitUntil("the page to be live") {
                    try await browser.attribute(try await browser.find("#live"), "data-live") == "on"
                }
                try await browser.click(try await browser.find("button[data-action=\"qa\"]"))
                try await browser.waitUntil("the front card to show the new verdict") {
                    try await browser.attribute(try await browser.find(card), "data-qa") == "warn"
                }
                #expect(try await browser.text(try await browser.find(card + " dl")).contains("warn"))
                try await browser.waitUntil("the kit to turn complete, with Check again offered again") {
                    let complete = try await browser.attribute(try await browser.find("main[data-kit]"), "data-status") == "complete"
                    let offered = try await browser.execute("return !document.querySelector('form.qa-check').hidden") == .bool(true)
                    return complete && offered
                }
                #expect(try await browser.execute("return window.__stayed === true") == .bool(true), "patched in place, never reloaded")
                #expect(try rig.rechecks(kit.id) == 1)
                try await browser.screenshot(named: "kit-checked-again")
            } catch {
                _ = try? await browser.screenshot(named: "web-ui-qa-failed")
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
