import RefkitCore
import RefkitPublish
import Testing

@Suite("The outbox's index.html")
struct OutboxIndexTests {
    @Test func listsEveryKitInOrderWithLinksStatusAndReview() {
        let html = OutboxIndex.html(
            [
                .init(name: "mira", folder: "mira", status: .complete, createdAt: "2026-12-07T01:00:00Z"),
                .init(name: "<b>bold</b> & co", folder: "bold co", status: .partial, createdAt: "2026-12-06T01:00:00Z", needsReview: true),
            ], generatedAt: "2026-12-07T02:00:00Z")
        let mira = html.range(of: "href=\"mira/index.html\"")
        let bold = html.range(of: "href=\"bold%20co/index.html\"")
        #expect(mira != nil && bold != nil && mira!.lowerBound < bold!.lowerBound, "in the order given, folders URL-escaped")
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; co") && !html.contains("<b>bold"), "names are escaped")
        #expect(html.contains("data-status=\"partial\"") && html.contains("QA: needs review"))
        #expect(html.contains("2 kits · updated 2026-12-07T02:00:00Z"))
        #expect(!html.contains("<script"), "no script: it is opened from a share")
    }
}
