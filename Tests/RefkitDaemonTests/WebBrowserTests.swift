import Foundation
import RefkitConfig
import RefkitCore
import RefkitDaemon
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Testing

/// A daemon with its web server (as `refkit run` serves it), a provider the test can hold per
/// stage, and a headless Chromium logged in through the login link.
struct BrowserRig {
    let dir: TemporaryDirectory
    let inbox: String
    let provider: SeededProvider
    let daemon: Daemon
    let running: RunningDaemon
    let web: WebServer
    let serving: Task<Void, Never>
    let browser: WebDriver
    var database: RefkitDatabase { daemon.database }
    var origin: String { web.origin }

    /// Runs `body` on a started rig and stops everything afterwards, also when `body` throws
    /// (a screenshot of the page it failed on is saved as `NAME-failed.png`).
    static func with(
        _ label: String, order: String, provider: SeededProvider = SeededProvider(), _ body: (BrowserRig) async throws -> Void
    ) async throws {
        let dir = try TemporaryDirectory(label)
        let inbox = try dir.folder("inbox")
        let text = lifecycleConfig(order)
        try FileFixtures.write(text, to: dir.url("refkit.toml"))
        var configuration = try loadConfiguration(text, in: dir)
        configuration.web.enabled = true
        configuration.web.listen = ListenAddress(host: "127.0.0.1", port: 0)
        let daemon = try Daemon.build(configuration: configuration, logger: quietLogger, providers: ["fake": provider])
        let running = RunningDaemon(daemon)
        let fixed = configuration
        let web = try WebServer(configuration: fixed, current: { fixed }, database: daemon.database, daemonPID: nil, logger: quietLogger)
        let serving = Task { await web.run() }
        func stopServers() async throws {
            web.shutdown()
            serving.cancel()
            await serving.value
            try await running.stop()
        }
        let browser: WebDriver
        do {
            browser = try await WebDriver.start()
        } catch {
            try? await stopServers()
            throw error
        }
        let rig = BrowserRig(
            dir: dir, inbox: inbox, provider: provider, daemon: daemon, running: running, web: web, serving: serving, browser: browser)
        do {
            let token = try #require(try WebToken.load(at: configuration.web.tokenFile))
            // The login link sets the token's cookie, as `refkit web-url` prints it for a person.
            try await browser.navigate(to: rig.origin + "/login?token=" + token.value)
            try await body(rig)
        } catch {
            _ = try? await browser.screenshot(named: label + "-failed")
            await browser.quit()
            try? await stopServers()
            throw error
        }
        await browser.quit()
        try await stopServers()
    }

    /// Drops a photo into the inbox, as a person would.
    func drop(_ name: String, seed: UInt64) throws {
        try FileFixtures.write(try ImageFixtures.jpeg(seed: seed, width: 160, height: 200), to: "\(inbox)/\(name).jpg")
    }

    /// The kit named `name`, once intake made it.
    func kit(named name: String) async throws -> KitRecord {
        var found: KitRecord?
        try await eventually("the kit \(name) to be made") {
            found = try database.kits().first { $0.name == name }
            return found != nil
        }
        return try #require(found)
    }

    func status(_ kitID: String) throws -> KitStatus? { try database.kit(kitID)?.status }

    /// A value `app.js` cannot set: a page that reloads loses it, so its presence proves the page stayed.
    func markPage() async throws { try await browser.execute("window.__stayed = true") }
    func pageStayed() async throws -> Bool { try await browser.execute("return window.__stayed === true") == .bool(true) }
}

@Suite("Web UI in a browser", .serialized, .timeLimit(.minutes(3)))
struct WebBrowserTests {
    static let views = #"stages = ["avatar", "side", "front"]"#

    /// The list open while a kit is generating: its row's progress and status follow the event
    /// stream without a reload.
    @Test func theListFollowsAGeneratingKit() async throws {
        let provider = SeededProvider()
        provider.hold("side")
        provider.hold("front")
        try await BrowserRig.with("web-ui-list", order: Self.views, provider: provider) { rig in
            let browser = rig.browser
            try rig.drop("mira", seed: 31)
            let kit = try await rig.kit(named: "mira")
            try await eventually("side and front to be asked for") { provider.held("side") == 1 && provider.held("front") == 1 }
            try await browser.navigate(to: rig.origin + "/")
            try await rig.markPage()
            let row = "tr[data-kit=\"\(kit.id)\"]"
            try await browser.waitUntil("the row to show the avatar done") {
                try await browser.text(try await browser.find(row + " .progress .count")) == "1/3"
            }
            #expect(try await browser.attribute(try await browser.find(row), "data-status") == "generating")
            try await browser.waitUntil("the page to be live") {
                try await browser.attribute(try await browser.find("#live"), "data-live") == "on"
            }
            try await browser.screenshot(named: "list-generating")

            provider.open("side")
            try await browser.waitUntil("the row to show 2 of 3 without a reload") {
                try await browser.text(try await browser.find(row + " .progress .count")) == "2/3"
            }
            provider.open("front")
            try await browser.waitUntil("the row to turn complete") {
                try await browser.attribute(try await browser.find(row), "data-status") == "complete"
            }
            #expect(try await browser.text(try await browser.find(row + " .badge")) == "complete")
            #expect(try await rig.pageStayed(), "patched in place, never reloaded")
            try await browser.screenshot(named: "list-complete")
        }
    }

    /// The selection screen: a number key picks candidate 2, the kit page opens and the kit goes on to complete.
    @Test func aPickedCandidateLetsTheKitGoOn() async throws {
        let order = Self.views + "\n  candidates = 3\n  selection = \"manual\""
        try await BrowserRig.with("web-ui-select", order: order) { rig in
            let browser = rig.browser
            try rig.drop("nova", seed: 32)
            let kit = try await rig.kit(named: "nova")
            try await eventually("the kit to wait for a choice") { try rig.status(kit.id) == .awaitingSelection }
            try await browser.navigate(to: rig.origin + "/kits/\(kit.id)/select")
            #expect(try await browser.findAll("button[data-candidate]:not([disabled])").count == 3)
            try await browser.waitUntil("the candidates' images to load") {
                try await browser.execute(
                    "const images = [...document.querySelectorAll('button[data-candidate] img')];"
                        + "return images.length === 3 && images.every(i => i.complete && i.naturalWidth > 0)")
                    == .bool(true)
            }
            try await browser.screenshot(named: "selection")
            try await browser.pressKeys("2")
            try await browser.waitUntil("the kit page to open") { try await browser.currentURL().hasSuffix("/kits/\(kit.id)") }
            try await rig.markPage()
            try await browser.waitUntil("the kit to go on to complete, live") {
                try await browser.attribute(try await browser.find("main[data-kit]"), "data-status") == "complete"
            }
            #expect(try await rig.pageStayed())
            #expect(try rig.database.kit(kit.id)?.lockedHow?.contains("candidate 2") == true)
            let side = try await browser.find("article[data-stage=\"side\"] img")
            #expect(try await browser.attribute(side, "src")?.hasPrefix("/files/") == true, "the new views are shown once published")
            try await browser.screenshot(named: "kit-after-selection")
        }
    }

    /// Regenerate on a reference: the card shows the new image (a new sha256 in its URL) without a reload.
    @Test func regenerateShowsTheNewImage() async throws {
        try await BrowserRig.with("web-ui-regenerate", order: Self.views) { rig in
            let browser = rig.browser
            try rig.drop("lux", seed: 33)
            let kit = try await rig.kit(named: "lux")
            try await eventually("the kit to be complete") { try rig.status(kit.id) == .complete }
            try await browser.navigate(to: rig.origin + "/kits/\(kit.id)")
            try await rig.markPage()
            let card = "article[data-stage=\"side\"]"
            let before = try #require(try await browser.attribute(try await browser.find(card), "data-sha"))
            #expect(!before.isEmpty)
            try await browser.screenshot(named: "kit-complete")
            try await browser.click(try await browser.find(card + " button[data-action=\"regenerate\"]"))
            try await browser.waitUntil("the side card to show a new image") {
                let sha = try await browser.attribute(try await browser.find(card), "data-sha") ?? ""
                return !sha.isEmpty && sha != before
            }
            let after = try #require(try await browser.attribute(try await browser.find(card), "data-sha"))
            let src = try #require(try await browser.attribute(try await browser.find(card + " img"), "src"))
            #expect(src.hasSuffix("?v=" + after))
            #expect(try rig.database.stages(kitID: kit.id).first { $0.stage == .side }?.sha256 == after)
            try await browser.waitUntil("the new image to load") {
                try await browser.execute(
                    "const i = document.querySelector('\(card) img'); return i.complete && i.naturalWidth > 0") == .bool(true)
            }
            #expect(try await browser.findAll(card + " details.history li").count == 1, "the earlier result is listed")
            #expect(try await rig.pageStayed())
            try await browser.screenshot(named: "kit-regenerated")
        }
    }

    /// Delete asks first: the button does nothing until the box is ticked, then the kit is gone
    /// from the store and the outbox, and the list opens without it.
    @Test func deleteAsksThenRemovesTheKit() async throws {
        try await BrowserRig.with("web-ui-delete", order: Self.views) { rig in
            let browser = rig.browser
            try rig.drop("gone", seed: 35)
            let kit = try await rig.kit(named: "gone")
            try await eventually("the kit to be complete") { try rig.status(kit.id) == .complete }
            let folder = try #require(try rig.database.kit(kit.id)?.outboxDir)
            try await browser.navigate(to: rig.origin + "/kits/\(kit.id)")
            let delete = try await browser.find("button[data-action=\"delete\"]")
            try await browser.click(delete)
            #expect(
                try await browser.execute("return document.querySelector('form.delete input[name=confirm]').validity.valueMissing")
                    == .bool(true))
            #expect(try rig.database.kit(kit.id) != nil, "not deleted without the confirmation")
            try await browser.click(try await browser.find("form.delete input[name=confirm]"))
            try await browser.click(delete)
            try await browser.waitUntil("the list to open") { try await browser.currentURL() == rig.origin + "/" }
            #expect(try await browser.findAll("tr[data-kit=\"\(kit.id)\"]").isEmpty)
            #expect(try rig.database.kit(kit.id) == nil && !FileManager.default.fileExists(atPath: folder))
        }
    }

    /// The upload page: an image sent from the browser becomes a kit that appears on the list.
    @Test func anUploadedImageBecomesAKitOnTheList() async throws {
        try await BrowserRig.with("web-ui-upload", order: Self.views) { rig in
            let browser = rig.browser
            let photo = rig.dir.url("upload-photo.jpg")
            try FileFixtures.write(try ImageFixtures.jpeg(seed: 34, width: 160, height: 200), to: photo)
            try await browser.navigate(to: rig.origin + "/upload")
            try await browser.sendKeys(try await browser.find("input[type=file][name=image]"), photo)
            try await browser.sendKeys(try await browser.find("input[name=kit]"), "Iris")
            try await browser.click(try await browser.find("input[name=stages][value=front]"))
            try await browser.screenshot(named: "upload")
            try await browser.click(try await browser.find("button[data-action=\"upload\"]"))
            try await browser.waitUntil("the list to open") { try await browser.currentURL() == rig.origin + "/" }
            let kit = try await rig.kit(named: "Iris")
            try await browser.waitUntil("the kit's row to appear") { !(try await browser.findAll("tr[data-kit=\"\(kit.id)\"]")).isEmpty }
            try await browser.waitUntil("the kit to complete on the list") {
                try await browser.attribute(try await browser.find("tr[data-kit=\"\(kit.id)\"]"), "data-status") == "complete"
            }
            #expect(try rig.database.stages(kitID: kit.id).map(\.stage.name).sorted() == ["avatar", "front"])
            try await browser.screenshot(named: "list-after-upload")
        }
    }
}
