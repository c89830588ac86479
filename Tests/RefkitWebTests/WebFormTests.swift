import RefkitCore
import RefkitWeb
import Testing

/// Link encoding, the upload form's fields, and the embedded assets.
@Suite("Web links, the upload form and assets")
struct WebFormTests {
    @Test func valuesPutInLinksDecodeBackAsTheyWere() {
        #expect(WebForm.encoded("a b/ü:&") == "a%20b%2F%C3%BC%3A%26")
        let form = WebForm(Substring(WebForm.query([("k", "x y&z+1"), ("k", "ü")])))
        #expect(form["k"] == "x y&z+1" && form.all("k") == ["x y&z+1", "ü"])
        #expect(WebForm.query([]).isEmpty)
    }

    /// The upload page's fields, posted as a browser posts the form, are what `WebUpload` reads:
    /// the order it makes of them is one intake accepts, as it would a dropped sidecar.
    @Test func theUploadPagesFieldsMakeAnOrderIntakeAccepts() throws {
        let html = WebPages.upload(UploadView(watches: ["manual", "studio"]))
        for name in ["image", "watch", "kit", "stages", "expressions", "scenes", "candidates", "style", "negative_prompt"] {
            #expect(html.contains("name=\"\(name)\""), "the page has a field \(name)")
        }
        let fields = [
            ("watch", "studio"), ("kit", "Mira"), ("stages", "front"), ("stages", "side"), ("expressions", "smile, angry"),
            ("scenes", "beach: on a sunny beach\noffice"), ("candidates", "3"), ("style", "natural daylight"),
            ("negative_prompt", "blurry, text"),
        ]
        let boundary = "----refkit-test"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        let form = try WebMultipart(body: Array(body.utf8), contentType: "multipart/form-data; boundary=\(boundary)")
        let upload = try WebUpload(form, watches: ["manual", "studio"])
        #expect(upload.watch == "studio" && upload.stem == "Mira")
        let order = try OrderValidator.validate(bytes: Array(try #require(upload.order).utf8))
        #expect(order.stages == .list([.front, .side]) && order.expressions == ["smile", "angry"])
        #expect(order.scenes.map(\.id).first == "beach" && order.scenes.count == 2)
        #expect(order.candidates == 3 && order.selection == .manual)
        #expect(order.prompts == PromptTemplates(style: "natural daylight") && order.negativePrompt == "blurry, text")
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
        #expect(
            script.body.contains("new EventSource(EVENTS + (after ? '?after='") && script.body.contains("const EVENTS = '/api/v1/events';"))
        // Event data is put into pages as text only, so a hostile kit name never becomes markup.
        #expect(!script.body.contains("innerHTML") && !script.body.contains("insertAdjacentHTML") && !script.body.contains("eval("))
        #expect(WebAssets.appStyle.contains(".badge.s-awaiting_selection{"))
    }
}
