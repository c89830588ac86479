import Foundation
import RefkitCore

extension WebPages {
    /// The kits list: the daemon's status, the filters, one row per kit, and the link to older kits.
    public static func list(_ view: KitListView) -> String {
        let query = view.query
        // app.js adds rows for new kits only where they belong: the first page, a status or watch it matches.
        var attributes: [(String, String)] = [
            ("data-first-page", query.before == nil ? "yes" : "no"), ("data-after", String(view.lastEventID)),
        ]
        if let status = query.status { attributes.append(("data-filter-status", status.rawValue)) }
        if let watch = query.watch { attributes.append(("data-filter-watch", watch)) }
        if query.needsReview { attributes.append(("data-filter-review", "yes")) }
        return document(title: "Kits", page: "list", mainAttributes: attributes) { html in
            status(view.status, into: &html)
            filters(view, into: &html)
            html.raw("<table class=\"kits\">\n<thead><tr><th>Kit</th><th>Watch</th><th>Status</th><th>Progress</th>")
            html.raw("<th>Cost</th><th>QA</th><th>Updated</th><th></th></tr></thead>\n<tbody id=\"kit-rows\">\n")
            for row in view.rows { kitRow(row, into: &html) }
            html.raw("</tbody>\n</table>\n")
            if view.rows.isEmpty {
                html.raw("<p class=\"empty\" id=\"no-kits\">No kits here yet. Drop an image into a watch's inbox, or ")
                html.raw("<a href=\"\(WebLinks.upload)\">upload one</a>.</p>\n")
            }
            html.raw("<nav class=\"paging\">")
            if query.before != nil {
                html.raw("<a href=\"")
                html.attribute(query.href(before: nil))
                html.raw("\">Newest kits</a> ")
            }
            if let older = view.olderCursor {
                html.raw("<a rel=\"next\" data-older href=\"")
                html.attribute(query.href(before: older))
                html.raw("\">Older kits</a>")
            }
            html.raw("</nav>\n")
        }
    }

    static func status(_ status: DaemonStatusView, into html: inout HTMLText) {
        html.raw("<section class=\"daemon\" id=\"daemon-status\"><span>queue <b data-field=\"queue_depth\">\(status.queueDepth)</b>")
        html.raw(" stages</span>")
        for kitStatus in KitStatus.allCases {
            let count = status.kitsByStatus[kitStatus] ?? 0
            html.raw(" <span class=\"count s-\(kitStatus.rawValue)\">\(kitStatus.rawValue.replacingOccurrences(of: "_", with: " ")) ")
            html.raw("<b data-field=\"kits.\(kitStatus.rawValue)\">\(count)</b></span>")
        }
        html.raw(" <span>spend today <b data-field=\"spend_today_usd\">\(money(status.spendTodayUSD))</b></span>")
        for pause in status.pausedProviders {
            html.raw(" <span class=\"paused\">")
            html.text("\(pause.provider) paused until \(pause.until)\(pause.capped ? " (capped)" : "")")
            html.raw("</span>")
        }
        html.raw("</section>\n")
    }

    static func filters(_ view: KitListView, into html: inout HTMLText) {
        html.raw("<form class=\"filters\" method=\"get\" action=\"\(WebLinks.list)\">\n<label>Status <select name=\"status\">")
        options(
            [("", "any")] + KitStatus.allCases.map { ($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " ")) },
            current: view.query.status?.rawValue, into: &html)
        html.raw("</select></label>\n<label>Watch <select name=\"watch\">")
        // A watch no longer configured still filters (old kits keep its name).
        let watches = view.watches + (view.query.watch.map { view.watches.contains($0) ? [] : [$0] } ?? [])
        options([("", "any")] + watches.map { ($0, $0) }, current: view.query.watch, into: &html)
        html.raw("</select></label>\n<label><input type=\"checkbox\" name=\"needs_review\" value=\"1\"")
        html.raw(view.query.needsReview ? " checked" : "")
        html.raw("> needs review</label>\n<button type=\"submit\">Filter</button>\n</form>\n")
    }

    static func kitRow(_ row: KitListView.Row, into html: inout HTMLText) {
        let kit = row.kit
        html.raw("<tr data-kit=\"")
        html.attribute(kit.id)
        html.raw("\" data-status=\"\(kit.status.rawValue)\">")
        html.raw("<td class=\"name\"><a href=\"")
        html.attribute(WebLinks.kit(kit.id))
        html.raw("\">")
        html.text(kit.name)
        html.raw("</a></td><td class=\"watch\">")
        html.text(kit.watch)
        html.raw("</td><td class=\"status\">")
        badge(kit.status.rawValue, into: &html)
        html.raw("</td><td class=\"progress\"><progress value=\"\(row.stagesDone)\" max=\"\(max(row.stagesTotal, 1))\">")
        html.raw("\(row.stagesDone)/\(row.stagesTotal)</progress> <span class=\"count\">\(row.stagesDone)/\(row.stagesTotal)</span>")
        if row.stagesFailed > 0 { html.raw(" <span class=\"failed-count\">\(row.stagesFailed) failed</span>") }
        html.raw("</td><td class=\"cost\">\(money(row.costUSD))</td>")
        html.raw("<td class=\"qa\(row.qa?.needsReview == true ? " needs-review" : "")\">")
        html.text(qaText(row.qa))
        html.raw("</td><td class=\"updated\">")
        time(kit.updatedAt, into: &html)
        html.raw("</td><td class=\"actions\">")
        if kit.status == .awaitingSelection {
            html.raw("<a class=\"choose\" href=\"")
            html.attribute(WebLinks.select(kit.id))
            html.raw("\">Choose avatar</a>")
        }
        if kit.status == .failed || row.stagesFailed > 0 {
            actionForm(action: WebLinks.retry(kit.id), label: "Retry", dataAction: "retry", into: &html)
        }
        html.raw("</td></tr>\n")
    }
}
