import RefkitCore
import RefkitWeb
import Testing

/// Form and query decoding, the upload form's order, and the embedded assets.
@Suite("Web forms, upload orders and assets")
struct WebFormTests {
    @Test func formTextDecodesOnceAndKeepsRepeats() {
        let form = WebForm("stage=front&stage=side&kit=Mira+Vale&note=50%25%2B&bad=%zz&empty=&=x")
        #expect(form.values("stage") == ["front", "side"])
        #expect(form.value("kit") == "Mira Vale" && form.value("note") == "50%+")
        #expect(form.value("bad") == nil, "a malformed escape drops the pair")
        #expect(form.value("empty") == "" && form.pairs.count == 5)
        #expect(WebForm.encoded("a b/ü:&") == "a%20b%2F%C3%BC%3A%26")
        #expect(WebForm(Substring(WebForm.query([("k", "x y&z")]))).value("k") == "x y&z")
    }

    /// What the upload form sends becomes an order intake accepts, as it would a dropped sidecar.
    @Test func theUploadFormBecomesAnOrderIntakeAccepts() throws {
        let form = WebForm(
            "watch=manual&kit=Mira&stage=&stage=front&stage=side&expressions=smile%2C+angry&"
                + "scenes=beach%3A+on+a+sunny+beach%0D%0Aoffice+park&candidates=3&selection=manual")
        let json = try #require(UploadOrder.json(form))
        let order = try OrderValidator.validate(json: json)
        #expect(order.kit == "Mira" && order.stages == .list([.front, .side]))
        #expect(order.expressions == ["smile", "angry"])
        #expect(
            order.scenes == [
                .init(id: "beach", description: "on a sunny beach"), .init(id: "office", description: ""),
                .init(id: "park", description: ""),
            ])
        #expect(order.candidates == 3 && order.selection == .manual)

        let profile = try OrderValidator.validate(json: try #require(UploadOrder.json(WebForm("stage=turnaround"))))
        #expect(profile.stages == .profile(.turnaround))
        #expect(UploadOrder.json(WebForm("watch=manual&stage=&kit=+")) == nil, "nothing beyond the watch's default order")
        let wrong = try #require(UploadOrder.json(WebForm("candidates=many")))
        #expect(throws: RefkitError.self) { try OrderValidator.validate(json: wrong) }
    }

    @Test func theAssetsAreServedByPathAndTheScriptListensForTheLogsTypes() throws {
        let script = try #require(WebAssets.asset(path: "/assets/app.js"))
        #expect(script.contentType.hasPrefix("text/javascript"))
        #expect(WebAssets.asset(path: "/assets/app.css")?.body == WebAssets.appStyle)
        #expect(WebAssets.asset(path: "/assets/other.js") == nil)
        for type in ["stage_done", "stage_failed", "kit_complete", "kit_failed", "awaiting_selection", "deleted", "accepted"] {
            #expect(WebAssets.eventTypes.contains(type))
            #expect(script.body.contains("'\(type)'"))
        }
        #expect(script.body.contains("new EventSource(EVENTS)") && script.body.contains("const EVENTS = '/api/v1/events';"))
        // Event data is put into pages as text only, so a hostile kit name never becomes markup.
        #expect(!script.body.contains("innerHTML") && !script.body.contains("insertAdjacentHTML") && !script.body.contains("eval("))
        #expect(WebAssets.appStyle.contains(".badge.s-awaiting_selection{"))
    }
}
