import RefkitCore
import RefkitService

/// The HTML pages, rendered from stored state (`Pages/`); app.js only patches them.
extension WebApp {
    func page(_ route: WebRoute, _ request: HTTPRequest) throws -> HTTPResponse {
        switch route {
        case .formSelect, .formRegenerate, .formRetry, .formDelete, .formUpload: return try form(route, request)
        default: break
        }
        let watches = configuration.watches.map(\.name)
        let html: String
        switch route {
        case .listPage:
            let query = try kitQuery(WebForm(request.query))
            let view = try KitListView.load(
                database: database, query: KitListQuery(filter: query.filter, before: query.before), watches: watches, limit: query.limit)
            html = WebPages.list(view)
        case .kitPage(let id):
            guard var view = try KitPageView.load(database: database, kitID: id) else { throw Self.unknownKit(id) }
            view.checkAgain = qaChecks == nil ? nil : KitPageView.CheckAgain.offer(kit: view.kit, qa: configuration.qa)
            html = WebPages.kit(view)
        case .selectionPage(let id):
            guard let view = try SelectionView.load(database: database, kitID: id) else { throw Self.unknownKit(id) }
            html = WebPages.selection(view)
        default:
            html = WebPages.upload(UploadView(watches: watches, selectedWatch: WebForm(request.query)["watch"]))
        }
        return HTTPResponse(
            status: Self.statusLine(200), contentType: "text/html; charset=utf-8", extraHeaders: ["Cache-Control: no-store"], body: html)
    }
}
