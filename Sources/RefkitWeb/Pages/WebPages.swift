import Foundation
import RefkitCore
import RefkitQA

/// The UI's pages as pure functions from a view to HTML: every value from the store, orders or
/// providers is escaped (`HTMLText`), and no page carries a script, a style block, a style
/// attribute or an event-handler attribute (the Content-Security-Policy forbids them): behaviour
/// is in app.js, looks in app.css. A page is right without JavaScript; app.js only patches it.
public enum WebPages {
    /// A whole document: the shared head (app.css, app.js) and navigation around `main`, the
    /// `<main>` element's attributes carrying the page's kind (`data-page`) and its test hooks.
    static func document(
        title: String, page: String, mainAttributes: [(String, String)] = [], body: (inout HTMLText) -> Void
    ) -> String {
        var html = HTMLText()
        html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        html.text(title)
        html.raw(" · refkit</title>\n")
        html.raw("<link rel=\"stylesheet\" href=\"\(WebLinks.style)\">\n<script src=\"\(WebLinks.script)\" defer></script>\n")
        html.raw("</head>\n<body>\n<header class=\"top\"><a class=\"brand\" href=\"\(WebLinks.list)\">refkit</a>\n")
        html.raw("<nav><a href=\"\(WebLinks.list)\">Kits</a> <a href=\"\(WebLinks.upload)\">Upload</a>")
        html.raw(" <a href=\"\(WebLinks.hooks)\">Hooks</a>")
        html.raw("</nav>\n")
        // app.js says here whether the live event stream is connected.
        html.raw("<span class=\"live\" id=\"live\" data-live=\"off\">static</span></header>\n")
        html.raw("<main data-page=\"\(page)\"")
        for (name, value) in mainAttributes {
            html.raw(" \(name)=\"")
            html.attribute(value)
            html.raw("\"")
        }
        html.raw(">\n")
        body(&html)
        html.raw("</main>\n</body>\n</html>\n")
        return html.output
    }

    /// A status badge; its class names the status (app.css colours it, app.js swaps it).
    static func badge(_ status: String, into html: inout HTMLText) {
        html.raw("<span class=\"badge s-")
        html.attribute(status)
        html.raw("\">")
        html.text(status.replacingOccurrences(of: "_", with: " "))
        html.raw("</span>")
    }

    /// Money as the CLI shows it.
    static func money(_ usd: Double) -> String { "$" + String(format: "%.2f", usd) }

    /// A timestamp as `<time>`, shown without its fraction and zone.
    static func time(_ iso: String, into html: inout HTMLText) {
        html.raw("<time datetime=\"")
        html.attribute(iso)
        html.raw("\">")
        html.text(String(iso.prefix(19)).replacingOccurrences(of: "T", with: " "))
        html.raw("</time>")
    }

    /// A kit's QA state in a few words (`3 pass, 1 fail`); app.js writes the same from the API's `qa`.
    static func qaText(_ qa: QAKitSummary?) -> String {
        guard let qa else { return "—" }
        let parts = QAVerdict.allCases.compactMap { verdict -> String? in
            let count = qa.counts[verdict] ?? 0
            return count > 0 ? "\(count) \(verdict.rawValue)" : nil
        }
        return parts.isEmpty ? "—" : parts.joined(separator: ", ")
    }

    /// A form that posts to `action` with one button; `fields` are hidden inputs.
    static func actionForm(
        action: String, label: String, dataAction: String, fields: [(String, String)] = [], into html: inout HTMLText
    ) {
        html.raw("<form class=\"action\" method=\"post\" action=\"")
        html.attribute(action)
        html.raw("\">")
        for (name, value) in fields {
            html.raw("<input type=\"hidden\" name=\"")
            html.attribute(name)
            html.raw("\" value=\"")
            html.attribute(value)
            html.raw("\">")
        }
        html.raw("<button type=\"submit\" data-action=\"\(dataAction)\">")
        html.text(label)
        html.raw("</button></form>")
    }

    /// `<option>`s, `selected` on the one equal to `current`.
    static func options(_ choices: [(value: String, label: String)], current: String?, into html: inout HTMLText) {
        for choice in choices {
            html.raw("<option value=\"")
            html.attribute(choice.value)
            html.raw(choice.value == (current ?? "") ? "\" selected>" : "\">")
            html.text(choice.label)
            html.raw("</option>")
        }
    }
}
