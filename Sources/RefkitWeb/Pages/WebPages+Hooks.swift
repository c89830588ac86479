import RefkitCore
import RefkitStore

extension WebPages {
    /// The Hooks page: one line per hook with its counts, the filters, and the deliveries newest
    /// first, a "Send again" button on each given-up one. Nothing of a delivery's body is shown.
    public static func hooks(_ view: HookDeliveriesView) -> String {
        document(title: "Hooks", page: "hooks") { html in
            html.raw("<h1>Hook deliveries</h1>\n<table class=\"hooks\">\n<thead><tr><th>Hook</th><th>Pending</th><th>Delivered</th>")
            html.raw("<th>Failed</th><th>Oldest pending</th></tr></thead>\n<tbody>\n")
            for c in view.counts {
                html.raw("<tr data-hook=\"")
                html.attribute(c.hook)
                html.raw("\"><td class=\"name\">")
                html.text(c.hook)
                html.raw("</td><td>\(c.pending)</td><td>\(c.delivered)</td><td>\(c.failed)</td><td>")
                if let oldest = c.oldestPending { time(oldest, into: &html) } else { html.raw("—") }
                html.raw("</td></tr>\n")
            }
            html.raw("</tbody>\n</table>\n")
            if view.counts.isEmpty { html.raw("<p class=\"empty\">No hook is configured (see <code>[[hook]]</code>).</p>\n") }
            hookFilters(view, into: &html)
            html.raw("<table class=\"deliveries\">\n<thead><tr><th>Id</th><th>Hook</th><th>Action</th><th>Event</th><th>Kit</th>")
            html.raw("<th>Status</th><th>Attempts</th><th>Next attempt / last error</th><th></th></tr></thead>\n<tbody>\n")
            for d in view.deliveries { deliveryRow(d, filter: view.filter, into: &html) }
            html.raw("</tbody>\n</table>\n")
            if view.deliveries.isEmpty { html.raw("<p class=\"empty\" id=\"no-deliveries\">No delivery matches.</p>\n") }
        }
    }

    static func hookFilters(_ view: HookDeliveriesView, into html: inout HTMLText) {
        let filter = view.filter
        html.raw("<form class=\"filters\" method=\"get\" action=\"\(WebLinks.hooks)\">\n<label>Hook <select name=\"hook\">")
        // A hook named in the query but unknown still filters (its deliveries may have been pruned).
        let names = view.hookNames + (filter.hook.map { view.hookNames.contains($0) ? [] : [$0] } ?? [])
        options([("", "any")] + names.map { ($0, $0) }, current: filter.hook, into: &html)
        html.raw("</select></label>\n<label>Status <select name=\"status\">")
        options(
            [("", "any"), ("pending", "pending"), ("delivered", "delivered"), ("failed", "failed")], current: filter.status?.rawValue,
            into: &html)
        html.raw("</select></label>\n<label>Kit <input type=\"text\" name=\"kit\" value=\"")
        html.attribute(filter.kit ?? "")
        html.raw("\"></label>\n<button type=\"submit\">Filter</button>\n</form>\n")
    }

    static func deliveryRow(_ d: HookDeliveryView, filter: HookDeliveryFilter, into html: inout HTMLText) {
        html.raw("<tr data-delivery=\"\(d.id)\" data-status=\"\(d.status.rawValue)\"><td class=\"id\">\(d.id)</td><td>")
        html.text(d.hook)
        html.raw("</td><td>\(d.action.rawValue)</td><td>")
        html.text(d.event)
        html.raw("</td><td class=\"kit\">")
        if let name = d.kitName {
            html.raw("<a href=\"")
            html.attribute(WebLinks.kit(d.kitID))
            html.raw("\">")
            html.text(name)
            html.raw("</a>")
        } else {
            html.text("deleted (\(d.kitID))")
        }
        html.raw("</td><td class=\"status\">")
        badge(d.status.rawValue, into: &html)
        html.raw("</td><td>\(d.attempts)</td><td class=\"note\">")
        if let next = d.nextAt {
            html.raw("next ")
            time(next, into: &html)
            if d.lastError != nil { html.raw("<br>") }
        }
        if let error = d.lastError { html.text(error) }
        html.raw("</td><td class=\"actions\">")
        if d.status == .failed {
            // Posted without app.js (data-native): the answer is the page again, at the same filters.
            html.raw("<form class=\"action\" method=\"post\" data-native=\"yes\" action=\"\(WebLinks.resendHook(d.id))\">")
            for (name, value) in HookDeliveryQuery.pairs(filter) {
                html.raw("<input type=\"hidden\" name=\"")
                html.attribute(name)
                html.raw("\" value=\"")
                html.attribute(value)
                html.raw("\">")
            }
            html.raw("<button type=\"submit\" data-action=\"resend\">Send again</button></form>")
        }
        html.raw("</td></tr>\n")
    }
}
