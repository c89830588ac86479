import RefkitCore
import RefkitService
import RefkitStore

/// The hooks' deliveries in the web UI and the API: the same store reads and re-send as
/// `refkit hooks` (`RefkitDatabase+HookViews`), so the page, the API and the CLI agree. A re-sent
/// delivery is pending and due at once; the daemon's dispatcher sends it at its next pass.
extension WebApp {
    func hooks(_ route: HookRoute, _ request: HTTPRequest) throws -> HTTPResponse {
        switch route {
        case .page:
            let view = try hookDeliveries(try HookDeliveryQuery.filter(WebForm(request.query)))
            return HTTPResponse(
                status: Self.statusLine(200), contentType: "text/html; charset=utf-8", extraHeaders: ["Cache-Control: no-store"],
                body: WebPages.hooks(view))
        case .deliveries:
            let view = try hookDeliveries(try HookDeliveryQuery.filter(WebForm(request.query)))
            return Self.json(200, HookDeliveryJSON.listing(counts: view.counts, deliveries: view.deliveries))
        case .resend(let id):
            return Self.json(200, HookDeliveryJSON.delivery(try resendHook(id, by: "the web API")))
        case .formResend(let id):
            // The page's filters come back as the form's fields, so the answer returns to the same listing.
            let form = WebForm(body: request.body)
            _ = try resendHook(id, by: "the web UI")
            return Self.redirect(HookDeliveryQuery.href((try? HookDeliveryQuery.filter(form)) ?? HookDeliveryFilter()))
        }
    }

    /// The page's (and the API's) listing: `filter`'s deliveries and every hook's counts.
    func hookDeliveries(_ filter: HookDeliveryFilter) throws -> HookDeliveriesView {
        try HookDeliveriesView.load(database: database, configured: configuration.hooks.map(\.name), filter: filter)
    }

    /// Sends the given-up delivery `id` again; its refusals as the API's errors (404, 409).
    func resendHook(_ id: String, by: String) throws -> HookDeliveryView {
        guard let number = Int64(id) else { throw WebProblem(404, "hook_delivery_unknown", "no hook delivery has the id \(id)") }
        do {
            guard let view = try database.resendHookDeliveries(ids: [number], by: by).first else {
                throw WebProblem(404, "hook_delivery_unknown", "no hook delivery has the id \(id)")
            }
            logger.info(
                "hook delivery re-sent", metadata: ["delivery": "\(view.deliveryID)", "hook": "\(view.hook)", "by": "\(by)"])
            return view
        } catch let error as RefkitError where error.code == .hookDeliveryUnknown || error.code == .hookDeliveryNotFailed {
            throw WebProblem(error.code == .hookDeliveryUnknown ? 404 : 409, error.code.rawValue, error.message)
        }
    }
}
