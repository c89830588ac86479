import RefkitCore
import RefkitStore

extension WebPages {
    /// A kit's page: header with its actions, source and locked reference, one card per stage, candidates, events.
    public static func kit(_ view: KitPageView) -> String {
        let kit = view.kit
        return document(
            title: kit.name, page: "kit",
            mainAttributes: [
                ("data-kit", kit.id), ("data-status", kit.status.rawValue), ("data-after", String(view.lastEventID)),
            ]
        ) { html in
            kitHeader(view, into: &html)
            html.raw("<section class=\"about\">")
            figure(view.sourceURL, caption: "Source" + (view.source.map { ": \($0.originalName)" } ?? ""), into: &html)
            for (n, source) in view.furtherSources.enumerated() {
                figure(source.url, caption: "Source \(n + 2): \(source.originalName)", into: &html)
            }
            if kit.lockedReference != nil {
                figure(view.lockedReferenceURL, caption: "Locked reference (\(kit.lockedHow ?? "chosen"))", into: &html)
            }
            html.raw("</section>\n<section class=\"stages\"><h2>References</h2>\n<div class=\"grid\">\n")
            for card in view.cards { stageCard(card, kitID: kit.id, into: &html) }
            html.raw("</div></section>\n")
            if !kit.textOnly && kit.lockedReference != nil { imagesForm(kitID: kit.id, into: &html) }
            if !view.candidates.isEmpty {
                html.raw("<section class=\"candidates-section\"><h2>Avatar candidates</h2><p><a href=\"")
                html.attribute(WebLinks.select(kit.id))
                html.raw("\">Open the selection screen</a></p>\n<div class=\"grid\">\n")
                for card in view.candidates { stageCard(card, kitID: kit.id, into: &html) }
                html.raw("</div></section>\n")
            }
            eventLog(view.events, into: &html)
        }
    }

    static func kitHeader(_ view: KitPageView, into html: inout HTMLText) {
        let kit = view.kit
        html.raw("<header class=\"kit-head\"><h1>")
        html.text(kit.name)
        html.raw("</h1> ")
        badge(kit.status.rawValue, into: &html)
        html.raw("\n<p class=\"facts\">watch <b>")
        html.text(kit.watch)
        // What its generations cost, candidates included, as the API's `cost_usd` counts it.
        let cost = (view.cards + view.candidates).reduce(0) { $0 + $1.stage.costUSD }
        html.raw("</b> · cost <b class=\"kit-cost\">\(money(cost))</b> · QA <b class=\"kit-qa\">")
        html.text(qaText(view.qa))
        html.raw("</b>")
        if let rating = kit.contentRating {
            html.raw(" · rating <b class=\"kit-rating\">")
            html.text(rating.name)
            html.raw("</b>")
        }
        html.raw(" · made ")
        time(kit.createdAt, into: &html)
        html.raw(" · updated ")
        time(kit.updatedAt, into: &html)
        html.raw("</p>\n")
        if let code = kit.errorCode {
            html.raw("<p class=\"error\">")
            html.text(code + (kit.errorMessage.map { ": " + $0 } ?? ""))
            html.raw("</p>\n")
        }
        html.raw("<nav class=\"kit-links\">")
        for (label, url) in [("manifest.json", view.manifestURL), ("contact sheet", view.sheetURL), ("gallery", view.galleryURL)] {
            guard let url else { continue }
            html.raw("<a href=\"")
            html.attribute(url)
            html.raw("\">\(label)</a> ")
        }
        if kit.status == .awaitingSelection {
            html.raw("<a class=\"choose\" href=\"")
            html.attribute(WebLinks.select(kit.id))
            html.raw("\">Choose the avatar</a>")
        }
        html.raw("</nav>\n<div class=\"kit-actions\">")
        checkAgainForm(view, into: &html)
        if view.canRetry {
            actionForm(action: WebLinks.retry(kit.id), label: "Retry failed stages", dataAction: "retry", into: &html)
        }
        // Deleting asks twice without a script: the box must be ticked (required) before the form posts.
        html.raw("<form class=\"action delete\" method=\"post\" action=\"")
        html.attribute(WebLinks.delete(kit.id))
        html.raw("\"><label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> delete this kit, its outbox folder ")
        html.raw("and its history</label> <button type=\"submit\" data-action=\"delete\">Delete</button></form>")
        html.raw("</div></header>\n")
    }

    static func figure(_ url: String?, caption: String, into html: inout HTMLText) {
        html.raw("<figure>")
        if let url {
            html.raw("<a href=\"")
            html.attribute(url)
            html.raw("\"><img src=\"")
            html.attribute(url)
            html.raw("\" alt=\"")
            html.attribute(caption)
            html.raw("\"></a>")
        } else {
            html.raw("<div class=\"placeholder\">in the outbox once the kit is published</div>")
        }
        html.raw("<figcaption>")
        html.text(caption)
        html.raw("</figcaption></figure>")
    }

    static func stageCard(_ card: KitPageView.Card, kitID: String, into html: inout HTMLText) {
        let stage = card.stage
        html.raw("<article class=\"stage\" data-stage=\"")
        html.attribute(stage.stage.name)
        html.raw("\" data-status=\"\(stage.status.rawValue)\" data-sha=\"")
        html.attribute(card.imageURL.flatMap(Self.version) ?? "")
        // Its verdict: app.js swaps the card when a check again changes it (the image stays the same).
        html.raw("\" data-qa=\"\(stage.qa?.verdict.rawValue ?? "")\">")
        if let url = card.imageURL {
            // The image links to the full-size file; app.js swaps both when a new one is published.
            html.raw("<a class=\"full\" href=\"")
            html.attribute(url)
            html.raw("\"><img src=\"")
            html.attribute(url)
            html.raw("\" alt=\"")
            html.attribute(stage.stage.label)
            html.raw("\" loading=\"lazy\"></a>")
        } else {
            html.raw("<div class=\"placeholder\">")
            html.text(stage.status == .done ? "made: in the outbox once the kit is published" : stage.status.rawValue)
            html.raw("</div>")
        }
        html.raw("<h3>")
        html.text(stage.stage.label)
        html.raw(" ")
        badge(stage.status.rawValue, into: &html)
        html.raw("</h3>\n")
        if let prompt = stage.prompt, !prompt.isEmpty {
            // Prompts run to a paragraph: folded, so the cards stay side by side.
            html.raw("<details class=\"prompt\"><summary>prompt</summary><p>")
            html.text(prompt)
            html.raw("</p></details>")
        }
        html.raw("<dl>")
        func row(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            html.raw("<dt>\(key)</dt><dd>")
            html.text(value)
            html.raw("</dd>")
        }
        row("seed", stage.seed.map(String.init))
        row("provider", stage.provider)
        row("model", stage.model)
        row("attempts", String(stage.attempts))
        row("cost", money(stage.costUSD))
        if let qa = stage.qa {
            let note = qa.note
            row("QA", note.verdict.rawValue + (note.summary.isEmpty ? "" : ": " + note.summary))
        }
        if card.madeFromEarlierReference {
            row("note", "made from an earlier locked reference: regenerate to make it from the current one")
        }
        html.raw("</dl>")
        if let code = stage.errorCode {
            html.raw("<p class=\"error\">")
            html.text(code + (stage.errorMessage.map { ": " + $0 } ?? ""))
            html.raw("</p>")
        }
        if !card.history.isEmpty { history(card.history, into: &html) }
        if card.canRegenerate {
            actionForm(
                action: WebLinks.regenerate(kitID), label: "Regenerate", dataAction: "regenerate", fields: [("stage", stage.stage.name)],
                into: &html)
        }
        html.raw("</article>\n")
    }

    /// The `?v=` of an image URL: the sha256 of the file the outbox has (what app.js compares).
    static func version(_ url: String) -> String? {
        url.range(of: "?v=").map { String(url[$0.upperBound...]) }
    }

    static func history(_ records: [StageHistoryRecord], into html: inout HTMLText) {
        html.raw("<details class=\"history\"><summary>Earlier results (\(records.count))</summary><ol>")
        for record in records.reversed() {
            html.raw("<li>")
            var parts = ["generation \(record.generation)", record.status.rawValue]
            parts += [record.provider, record.model, record.seed.map { "seed \($0)" }].compactMap { $0 }
            parts.append(money(record.costUSD))
            if let code = record.errorCode { parts.append(code + (record.errorMessage.map { ": " + $0 } ?? "")) }
            html.text(parts.joined(separator: " · "))
            html.raw(" · replaced ")
            time(record.replacedAt, into: &html)
            html.raw("</li>")
        }
        html.raw("</ol></details>")
    }

    static func eventLog(_ events: [EventRecord], into html: inout HTMLText) {
        html.raw("<section class=\"events\"><h2>Events</h2>\n<ol id=\"event-log\">\n")
        for event in events { eventItem(event, into: &html) }
        html.raw("</ol></section>\n")
    }

    /// One event line; app.js appends the same shape for live events.
    static func eventItem(_ event: EventRecord, into html: inout HTMLText) {
        html.raw("<li data-event=\"\(event.id)\">")
        time(event.at, into: &html)
        html.raw(" <b>")
        html.text(event.type)
        html.raw("</b> ")
        html.text([event.subject, event.code, event.message].compactMap { $0 }.joined(separator: " · "))
        html.raw("</li>\n")
    }
}
