import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

@testable import RefkitWeb

/// The Hooks page and its routes as values: the query read alike by the page and the API, the
/// page rendered from a view on a real database (escaped, a "Send again" form only on given-up
/// rows, no body of a delivery, nothing inline the CSP forbids).
@Suite("Web: hook deliveries")
struct HookPagesTests {
    @Test func theRoutesAreOneCaseOfTheRouter() {
        #expect(WebRoute.match(method: "GET", path: "/hooks") == .success(.hooks(.page)))
        #expect(WebRoute.match(method: "POST", path: "/hooks/deliveries/12/resend") == .success(.hooks(.formResend("12"))))
        #expect(WebRoute.match(method: "GET", path: "/api/v1/hooks/deliveries") == .success(.hooks(.deliveries)))
        #expect(WebRoute.match(method: "POST", path: "/api/v1/hooks/deliveries/7/resend") == .success(.hooks(.resend("7"))))
        #expect(WebRoute.match(method: "GET", path: "/api/v1/hooks/deliveries/7/resend") == .failure(.method(["POST"])))
        #expect(WebRoute.hooks(.deliveries).isAPI && WebRoute.hooks(.resend("1")).isAPI)
        #expect(!WebRoute.hooks(.page).isAPI && !WebRoute.hooks(.formResend("1")).isAPI)
    }

    @Test func theQueryIsReadAndWrittenBackAlike() throws {
        let filter = try HookDeliveryQuery.filter(WebForm("hook=chat&status=failed&kit=mira%20b&limit=20"))
        #expect(filter == HookDeliveryFilter(hook: "chat", status: .failed, kit: "mira b", limit: 20))
        #expect(try HookDeliveryQuery.filter(WebForm(Substring(HookDeliveryQuery.href(filter).dropFirst("/hooks?".count)))) == filter)
        #expect(try HookDeliveryQuery.filter(WebForm("hook=&status=&kit=")) == HookDeliveryFilter())
        #expect(HookDeliveryQuery.href(HookDeliveryFilter()) == "/hooks")
        #expect(HookDeliveryQuery.href(HookDeliveryFilter(status: .pending)) == "/hooks?status=pending")
        for bad in ["status=lost", "limit=0", "limit=201", "limit=x"] {
            #expect(throws: WebProblem.self) { try HookDeliveryQuery.filter(WebForm(Substring(bad))) }
        }
    }

    @Test func thePageListsDeliveriesWithSendAgainOnlyOnGivenUpOnes() throws {
        let fixture = try PageFixture()
        let hostile = "<script>alert(1)</script>"
        let kit = try fixture.kit(hostile)
        let db = fixture.database
        try db.recordHookDeliveries(
            (1...3).map {
                NewHookDelivery(
                    hook: "chat", action: .url, eventID: Int64($0), event: "kit_complete", kitID: kit, payload: "{\"body-\($0)\":1}")
            }, cursor: 3)
        let ids = try db.hookDeliveries().map(\.id)
        try db.recordHookAttempt(id: ids[0], attempts: 1, .delivered)
        try db.recordHookAttempt(id: ids[1], attempts: 8, .failed(error: "<b>HTTP 500</b>"))
        let view = try HookDeliveriesView.load(database: db, configured: ["chat", "desk"], filter: HookDeliveryFilter(status: .failed))
        #expect(view.hookNames == ["chat", "desk"] && view.deliveries.map(\.id) == [ids[1]])
        let html = WebPages.hooks(view)
        #expect(html.contains("data-page=\"hooks\"") && html.contains("<a href=\"/hooks\">Hooks</a>"))
        #expect(
            html.contains("<tr data-hook=\"desk\"><td class=\"name\">desk</td><td>0</td><td>0</td><td>0</td>"),
            "a configured hook with none")
        #expect(html.contains("<tr data-delivery=\"\(ids[1])\" data-status=\"failed\">"))
        #expect(html.contains("action=\"/hooks/deliveries/\(ids[1])/resend\""))
        #expect(html.contains("<input type=\"hidden\" name=\"status\" value=\"failed\">"), "the form returns to the same listing")
        #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<b>HTTP") && html.contains("&lt;b&gt;HTTP 500&lt;/b&gt;"))
        #expect(!html.contains("body-"), "no delivery's body")

        let all = WebPages.hooks(try HookDeliveriesView.load(database: db, configured: [], filter: HookDeliveryFilter()))
        #expect(all.components(separatedBy: "data-action=\"resend\"").count == 2, "one button: the given-up delivery's")
        #expect(all.contains("<tr data-delivery=\"\(ids[2])\" data-status=\"pending\">") && all.contains("next <time"))
        let handler = try Regex(#"<[^>]*\son[a-z]+\s*="#).ignoresCase()
        let styleAttribute = try Regex(#"<[^>]*\sstyle\s*="#).ignoresCase()
        for page in [html, all] {
            #expect(page.firstMatch(of: handler) == nil && page.firstMatch(of: styleAttribute) == nil && !page.contains("<style"))
        }
    }
}
