import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import RefkitWeb
import Testing

/// The pages rendered from views built on a real database: their test hooks, escaping, paging
/// and Content-Security-Policy compliance.
@Suite("Web pages")
struct WebPagesTests {
    static let watches = ["manual", "studio"]

    func list(_ fixture: PageFixture, _ query: KitListQuery = KitListQuery(), limit: Int = 50) throws -> String {
        WebPages.list(try KitListView.load(database: fixture.database, query: query, watches: Self.watches, limit: limit))
    }

    func kitPage(_ fixture: PageFixture, _ id: String) throws -> String {
        WebPages.kit(try #require(try KitPageView.load(database: fixture.database, kitID: id)))
    }

    @Test func theListHasOneHookedRowPerKitWithItsProgress() throws {
        let fixture = try PageFixture()
        let busy = try fixture.kit("busy")
        try fixture.make(busy, .avatar)
        try fixture.make(busy, .front)
        let waiting = try fixture.kit("waiting", watch: "studio")
        let html = try list(fixture)
        let lastEvent = try fixture.database.lastEventID()
        #expect(html.contains("data-after=\"\(lastEvent)\""), "app.js streams the events after the page's read")
        #expect(html.contains("<tr data-kit=\"\(busy)\" data-status=\"generating\">"))
        #expect(html.contains("<tr data-kit=\"\(waiting)\" data-status=\"queued\">"))
        #expect(html.contains("<progress value=\"2\" max=\"3\">"), "two of three stages done")
        #expect(html.contains("<td class=\"cost\">$0.08</td>"))
        #expect(html.contains("href=\"/kits/\(busy)\""))
        #expect(html.contains("data-field=\"queue_depth\">4<"), "one pending stage of busy and three of waiting")
        let filtered = try list(fixture, KitListQuery(watch: "studio"))
        #expect(filtered.contains("data-kit=\"\(waiting)\"") && !filtered.contains("data-kit=\"\(busy)\""))
        #expect(filtered.contains("<option value=\"studio\" selected>"))
    }

    @Test func aFailedKitOffersRetryAndAWaitingOneTheSelectionScreen() throws {
        let fixture = try PageFixture()
        let broken = try fixture.kit("broken")
        try fixture.make(broken, .avatar)
        try fixture.fail(broken, .side)
        let choosing = try fixture.kit("choosing", stages: [.avatar, .front], candidates: 2)
        try fixture.make(choosing, .candidate(1))
        try fixture.make(choosing, .candidate(2))
        try fixture.database.awaitSelection(kitID: choosing)
        let html = try list(fixture)
        let brokenRow = try #require(html.components(separatedBy: "\n").first { $0.contains("data-kit=\"\(broken)\"") })
        #expect(brokenRow.contains("action=\"/kits/\(broken)/retry\"") && brokenRow.contains("data-action=\"retry\""))
        #expect(brokenRow.contains("1 failed"))
        let choosingRow = try #require(html.components(separatedBy: "\n").first { $0.contains("data-kit=\"\(choosing)\"") })
        #expect(choosingRow.contains("data-status=\"awaiting_selection\"") && choosingRow.contains("href=\"/kits/\(choosing)/select\""))
        #expect(!choosingRow.contains("data-action=\"retry\""))
    }

    @Test func theKitPageShowsTheContentRatingOnceKnown() throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("rated")
        #expect(!(try kitPage(fixture, id)).contains("kit-rating"), "no rating before the analyzer or the order gave one")
        try fixture.database.setContentRating(kitID: id, rating: .mature)
        #expect(try kitPage(fixture, id).contains("rating <b class=\"kit-rating\">Mature</b>"))
    }

    @Test func theKitPageShowsEverySourceOfACharacter() throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("leo")
        try fixture.make(id, .avatar)
        try fixture.publish(id, folder: "leo")
        let path = try #require(try fixture.database.kit(id)?.outboxDir) + "/manifest.json"
        guard case .object(var members) = try JSONValue.parse(try #require(FileFixtures.read(path))) else { throw FixtureError("manifest") }
        members.append(
            (
                "sources",
                .array(
                    [("source.jpg", "1.webp"), ("sources/2.jpg", "close <up>.jpg"), ("sources/3.jpg", "3.jpg")].map { file, name in
                        .object([("file", .string(file)), ("original_name", .string(name)), ("file_sha256", .string("ab"))])
                    })
            ))
        try FileFixtures.write(JSONValue.object(members).serialized, to: path)
        let html = try kitPage(fixture, id)
        #expect(html.contains("src=\"/files/leo/sources/2.jpg?v=ab\""), "a further source links its published file")
        #expect(html.contains("Source 2: close &lt;up&gt;.jpg") && html.contains("Source 3: 3.jpg"))
        #expect(!html.contains("Source 2: 1.webp"), "the primary is the kit's Source, not listed again")
    }

    @Test func theOlderLinkPagesThroughEveryKitOnceKeepingTheFilters() throws {
        let fixture = try PageFixture()
        let ids = try (1...5).map { try fixture.kit("kit \($0)", watch: "studio") }
        try fixture.kit("elsewhere", watch: "manual")
        var query = KitListQuery(watch: "studio")
        var seen: [String] = []
        for _ in 1...5 {
            let view = try KitListView.load(database: fixture.database, query: query, watches: Self.watches, limit: 2)
            seen += view.rows.map(\.kit.id)
            let html = WebPages.list(view)
            guard let older = view.olderCursor else {
                #expect(!html.contains("rel=\"next\""), "the last page has no older link")
                break
            }
            let href = "/?watch=studio&before=\(older)"
            #expect(html.contains("<a rel=\"next\" data-older href=\"/?watch=studio&amp;before=\(older)\">Older kits</a>"))
            #expect(html.contains("href=\"/?watch=studio\">Newest kits</a>") == (query.before != nil))
            // The link's query, read back as the server reads it.
            let form = WebForm(href.dropFirst(2))
            query = KitListQuery(watch: form["watch"], before: form["before"])
        }
        #expect(seen == ids.reversed(), "newest first, each once, the other watch left out")
    }

    @Test func theListsLinksKeepItsFilters() {
        let query = KitListQuery(status: .awaitingSelection, watch: "my studio", needsReview: true, before: "k/1")
        #expect(query.href(before: "k/2") == "/?status=awaiting_selection&watch=my%20studio&needs_review=1&before=k%2F2")
        #expect(KitListQuery(filter: query.filter, before: "k/1") == query)
        #expect(KitListQuery().href(before: nil) == "/")
    }

    @Test func hostileTextIsEscapedOnEveryPage() throws {
        let fixture = try PageFixture()
        let hostile = "<script>alert(1)</script>\"'&"
        let id = try fixture.kit(hostile, stages: [.avatar, .front], candidates: 2)
        try fixture.make(id, .candidate(1), prompt: "<img src=x onerror=alert(2)>")
        try fixture.fail(id, .candidate(2), message: "<b>bad</b>")
        let pages = [
            try list(fixture), try kitPage(fixture, id),
            WebPages.selection(try #require(try SelectionView.load(database: fixture.database, kitID: id))),
            WebPages.upload(UploadView(watches: [hostile])),
        ]
        for html in pages {
            #expect(!html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("<b>bad"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        }
        #expect(pages[1].contains("&lt;img src=x onerror=alert(2)&gt;") && pages[1].contains("&lt;b&gt;bad&lt;/b&gt;"))
    }

    /// The CSP forbids inline scripts, style blocks and attributes and event handlers: no page may carry one.
    @Test func noPageCarriesInlineScriptStyleOrHandlers() throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("mira", stages: [.avatar, .front], candidates: 2)
        try fixture.make(id, .candidate(1))
        try fixture.make(id, .candidate(2))
        try fixture.database.awaitSelection(kitID: id)
        let done = try fixture.kit("done")
        for stage in [Stage.avatar, .front] { try fixture.make(done, stage) }
        try fixture.fail(done, .side)
        try fixture.finish(done, .partial, folder: "done")
        let pages = [
            try list(fixture), try kitPage(fixture, id), try kitPage(fixture, done),
            WebPages.selection(try #require(try SelectionView.load(database: fixture.database, kitID: id))),
            WebPages.upload(UploadView(watches: Self.watches)),
        ]
        let scriptTag = try Regex(#"<script\b[^>]*>"#).ignoresCase()
        let handler = try Regex(#"<[^>]*\son[a-z]+\s*="#).ignoresCase()
        let styleAttribute = try Regex(#"<[^>]*\sstyle\s*="#).ignoresCase()
        for html in pages {
            let scripts = html.matches(of: scriptTag).map { String(html[$0.range]) }
            #expect(scripts == ["<script src=\"/assets/app.js\" defer>"], "only the external app.js")
            #expect(!html.lowercased().contains("<style"))
            #expect(html.firstMatch(of: handler) == nil && html.firstMatch(of: styleAttribute) == nil)
            #expect(!html.lowercased().contains("javascript:"))
            #expect(html.contains("<link rel=\"stylesheet\" href=\"/assets/app.css\">"))
        }
    }

    @Test func aKitPageHasACardPerStageWithItsActionsAndEvents() throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("mira")
        let avatarSHA = try fixture.make(id, .avatar)
        let frontSHA = try fixture.make(id, .front, prompt: "front view of mira")
        let generating = try kitPage(fixture, id)
        let after = try fixture.database.lastEventID()
        #expect(generating.contains("<main data-page=\"kit\" data-kit=\"\(id)\" data-status=\"generating\" data-after=\"\(after)\">"))
        #expect(generating.contains("<article class=\"stage\" data-stage=\"front\" data-status=\"done\" data-sha=\"\" data-qa=\"\">"))
        #expect(!generating.contains("/files/"), "nothing is in the outbox before the kit is published")
        #expect(generating.contains("<summary>prompt</summary><p>front view of mira</p>") && generating.contains("<dd>preview-1</dd>"))
        #expect(!generating.contains("data-action=\"retry\""))

        try fixture.fail(id, .side)
        try fixture.finish(id, .partial, folder: "mira-2")
        let html = try kitPage(fixture, id)
        #expect(html.contains("data-stage=\"front\" data-status=\"done\" data-sha=\"\(frontSHA)\""))
        #expect(html.contains("<img src=\"/files/mira-2/front.png?v=\(frontSHA)\""))
        #expect(html.contains("href=\"/files/mira-2/avatar.png?v=\(avatarSHA)\""), "the locked reference links its full-size file")
        #expect(html.contains("data-stage=\"side\" data-status=\"failed\""))
        #expect(html.contains("provider_refused: the provider said no"))
        #expect(html.components(separatedBy: "data-action=\"regenerate\"").count == 4, "done and failed stages can be made again")
        #expect(html.contains("<input type=\"hidden\" name=\"stage\" value=\"side\">"))
        #expect(html.contains("action=\"/kits/\(id)/retry\"") && html.contains("data-action=\"retry\""))
        #expect(html.contains("action=\"/kits/\(id)/delete\"") && html.contains("name=\"confirm\" value=\"yes\" required"))
        #expect(html.contains("href=\"/files/mira-2/manifest.json\"") && html.contains("href=\"/files/mira-2/sheet.png\""))
        #expect(html.contains("<b>kit_partial</b>") && html.contains("<b>stage_failed</b>"), "the kit's event log")

        try fixture.database.regenerate(kit: id, stages: [.front])
        try fixture.make(id, .front, content: "again")
        let again = try kitPage(fixture, id)
        #expect(again.contains("Earlier results (1)"))
        #expect(
            again.contains("<img src=\"/files/mira-2/front.png?v=\(frontSHA)\"") && again.contains("data-sha=\"\(frontSHA)\""),
            "the card shows the earlier front, which the outbox holds until the kit is published again")
        try fixture.finish(id, .partial, folder: "mira-2")
        let newSHA = try #require(try fixture.stage(id, .front).sha256)
        let published = try kitPage(fixture, id)
        #expect(newSHA != frontSHA && published.contains("<img src=\"/files/mira-2/front.png?v=\(newSHA)\""))
        #expect(try KitPageView.load(database: fixture.database, kitID: "nobody") == nil)
    }

    @Test func theSelectionScreenNumbersCandidatesAndSaysWhenNothingCanBePicked() throws {
        let fixture = try PageFixture()
        let id = try fixture.kit("mira", stages: [.avatar, .front], candidates: 3)
        for n in 1...3 { try fixture.make(id, .candidate(n)) }
        let early = WebPages.selection(try #require(try SelectionView.load(database: fixture.database, kitID: id)))
        #expect(early.contains("not awaiting selection"))
        #expect(early.components(separatedBy: " disabled>").count == 4, "no candidate can be picked yet")

        try fixture.database.awaitSelection(kitID: id)
        try fixture.publish(id, folder: "mira")
        let view = try #require(try SelectionView.load(database: fixture.database, kitID: id))
        #expect(view.state == .awaiting)
        let html = WebPages.selection(view)
        for n in 1...3 {
            #expect(html.contains("name=\"candidate\" value=\"\(n)\" data-action=\"select\" data-candidate=\"\(n)\" data-status=\"done\">"))
            #expect(html.contains("<img src=\"/files/mira/candidates/avatar-\(n).png?v="))
        }
        #expect(html.contains("action=\"/kits/\(id)/select\"") && !html.contains("name=\"remake\""))

        try fixture.database.selectCandidate(kit: id, number: 2, how: "test", requireAwaiting: true)
        let chosen = WebPages.selection(try #require(try SelectionView.load(database: fixture.database, kitID: id)))
        #expect(chosen.contains("name=\"remake\" value=\"on\"") && chosen.contains("replaces it"))
    }

    @Test func theUploadPageOffersTheWatchesAndWhatAnOrderCanAskFor() {
        let html = WebPages.upload(UploadView(watches: Self.watches, selectedWatch: "studio"))
        #expect(html.contains("enctype=\"multipart/form-data\"") && html.contains("action=\"/upload\""))
        #expect(html.contains("<input type=\"file\" name=\"image\"") && html.contains("id=\"drop-zone\""))
        #expect(html.contains("<option value=\"studio\" selected>studio</option>"))
        for stage in Stage.views { #expect(html.contains("name=\"stages\" value=\"\(stage.name)\"")) }
        #expect(html.contains("max=\"\(Stage.maxCandidates)\""))
        #expect(UploadView(watches: Self.watches, selectedWatch: "gone").selectedWatch == "manual")
    }
}
