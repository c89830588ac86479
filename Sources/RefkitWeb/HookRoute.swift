import RefkitStore

/// The routes of the hooks' deliveries: the Hooks page, its "Send again" form, and the API's list
/// and re-send. One case of `WebRoute` carries them (and four rows of its table). Delivery ids
/// in paths are checked by the handler (an id that is not a number is no delivery: 404).
public enum HookRoute: Sendable, Equatable {
    /// `GET /hooks`: the page.
    case page
    /// `POST /hooks/deliveries/{id}/resend`: the page's form (answers 303 back to the page).
    case formResend(String)
    /// `GET /api/v1/hooks/deliveries`.
    case deliveries
    /// `POST /api/v1/hooks/deliveries/{id}/resend`.
    case resend(String)

    /// True for the JSON API's routes.
    public var isAPI: Bool {
        switch self {
        case .deliveries, .resend: true
        case .page, .formResend: false
        }
    }
}

/// What the Hooks page and `GET /api/v1/hooks/deliveries` list: `hook`, `status`, `kit`, `limit`
/// (1-200, 50) from a query string, read alike for both.
public enum HookDeliveryQuery {
    /// The most a listing may hold.
    public static let maximumLimit = 200

    /// The filter `form` asks for; a bad status or limit is a 400 naming it.
    public static func filter(_ form: WebForm) throws(WebProblem) -> HookDeliveryFilter {
        var filter = HookDeliveryFilter()
        filter.hook = form["hook"].flatMap { $0.isEmpty ? nil : $0 }
        filter.kit = form["kit"].flatMap { $0.isEmpty ? nil : $0 }
        if let status = form["status"], !status.isEmpty {
            guard let value = HookDeliveryRecord.Status(rawValue: status) else {
                throw WebProblem(400, "bad_request", "status \"\(status)\" is not one of pending, delivered, failed")
            }
            filter.status = value
        }
        if let text = form["limit"], !text.isEmpty {
            guard let value = Int(text), (1...maximumLimit).contains(value) else {
                throw WebProblem(400, "bad_request", "limit is a whole number from 1 to \(maximumLimit)")
            }
            filter.limit = value
        }
        return filter
    }

    /// The filter's query pairs (only what differs from the defaults), for links and the form's hidden fields.
    public static func pairs(_ filter: HookDeliveryFilter) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if let hook = filter.hook { pairs.append(("hook", hook)) }
        if let status = filter.status { pairs.append(("status", status.rawValue)) }
        if let kit = filter.kit { pairs.append(("kit", kit)) }
        if filter.limit != HookDeliveryFilter().limit { pairs.append(("limit", String(filter.limit))) }
        return pairs
    }

    /// The Hooks page's URL with `filter`.
    public static func href(_ filter: HookDeliveryFilter) -> String {
        let pairs = pairs(filter)
        return pairs.isEmpty ? WebLinks.hooks : WebLinks.hooks + "?" + WebForm.query(pairs)
    }
}

extension WebLinks {
    /// The Hooks page.
    public static let hooks = "/hooks"

    /// The Hooks page's form that sends a given-up delivery again.
    public static func resendHook(_ id: Int64) -> String { "/hooks/deliveries/\(id)/resend" }
}
