import RefkitCore
import RefkitPublish
import RefkitService

/// The HTML pages (rendered from stored state; `Pages/` renders them).
extension WebApp {
    func page(_ route: WebRoute, _ request: HTTPRequest) throws -> HTTPResponse {
        switch route {
        case .formSelect, .formRegenerate, .formRetry, .formDelete, .formUpload: return try form(route, request)
        default: break
        }
        let html: String
        switch route {
        case .listPage: html = try Self.placeholder("kits", try kitList(WebForm(request.query)))
        case .kitPage(let id), .selectionPage(let id): html = try Self.placeholder("kit", try kitDetail(id))
        default: html = Self.placeholderPage("upload", "")
        }
        return HTTPResponse(
            status: Self.statusLine(200), contentType: "text/html; charset=utf-8", extraHeaders: ["Cache-Control: no-store"], body: html)
    }

    static func placeholder(_ title: String, _ value: JSONValue) throws -> String { placeholderPage(title, value.serialized) }

    static func placeholderPage(_ title: String, _ text: String) -> String {
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>refkit: \(title)</title></head><body><pre>"
            + HTMLText.escaped(text) + "</pre></body></html>\n"
    }
}
