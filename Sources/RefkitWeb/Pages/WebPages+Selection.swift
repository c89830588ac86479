import RefkitCore

extension WebPages {
    /// The selection screen: the candidates large and numbered, each a submit button of one form
    /// (a click posts its number; app.js adds the number keys), and what a pick does now.
    public static func selection(_ view: SelectionView) -> String {
        let kit = view.kit
        return document(
            title: "Choose · \(kit.name)", page: "select",
            mainAttributes: [
                ("data-kit", kit.id), ("data-status", kit.status.rawValue), ("data-after", String(view.lastEventID)),
            ]
        ) { html in
            html.raw("<h1>Choose the avatar of <a href=\"")
            html.attribute(WebLinks.kit(kit.id))
            html.raw("\">")
            html.text(kit.name)
            html.raw("</a></h1>\n<p class=\"note\" id=\"selection-note\">")
            let open: Bool
            switch view.state {
            case .awaiting:
                open = true
                html.text(
                    "The kit waits for you: pick a candidate (click it, or press its number). It becomes the locked reference "
                        + "every other view is made from, and the kit goes on.")
            case .chosen:
                open = true
                html.text(
                    "The avatar is chosen already (\(kit.lockedHow ?? "chosen")). Picking another replaces it: the views made from "
                        + "the earlier reference are marked on the kit page and in the manifest; tick \"remake\" to make them again "
                        + "from the new one.")
            case .unavailable(let why):
                open = false
                html.text(why)
            }
            html.raw("</p>\n<form class=\"selection\" method=\"post\" action=\"")
            html.attribute(WebLinks.select(kit.id))
            html.raw("\">\n")
            if view.state == .chosen {
                html.raw("<label class=\"remake\"><input type=\"checkbox\" name=\"remake\" value=\"on\"> remake the views made from ")
                html.raw("the earlier reference</label>\n")
            }
            html.raw("<div class=\"candidates\">\n")
            for card in view.candidates {
                guard case .candidate(let number) = card.stage.stage else { continue }
                let pickable = open && card.stage.status == .done
                html.raw("<button type=\"submit\" class=\"candidate\" name=\"candidate\" value=\"\(number)\" data-action=\"select\" ")
                html.raw("data-candidate=\"\(number)\" data-status=\"\(card.stage.status.rawValue)\"\(pickable ? "" : " disabled")>")
                if let url = card.imageURL {
                    html.raw("<img src=\"")
                    html.attribute(url)
                    html.raw("\" alt=\"candidate \(number)\">")
                } else {
                    html.raw("<span class=\"placeholder\">")
                    html.text(card.stage.status.rawValue)
                    html.raw("</span>")
                }
                html.raw("<span class=\"number\">\(number)</span></button>\n")
            }
            html.raw("</div>\n</form>\n")
        }
    }
}
