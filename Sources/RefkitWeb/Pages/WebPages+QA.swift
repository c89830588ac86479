import RefkitConfig
import RefkitCore
import RefkitStore

extension KitPageView {
    /// The kit page's "Check again" (`refkit qa`), when the daemon can run it and `[qa]` is on.
    public struct CheckAgain: Sendable, Equatable {
        /// Whether a judge is configured: the "with the judge" box is offered only then.
        public var judge: Bool
        /// Whether the kit is finished (complete, partial, failed): the form is hidden otherwise,
        /// and app.js shows it when the kit's status says it may run.
        public var available: Bool

        public init(judge: Bool, available: Bool) {
            self.judge = judge
            self.available = available
        }

        /// What the page offers for `kit` under `qa`; nil when `[qa]` is off.
        public static func offer(kit: KitRecord, qa: Configuration.QA) -> CheckAgain? {
            guard qa.enabled else { return nil }
            return CheckAgain(judge: qa.judge != nil, available: KitQARequest.offered(status: kit.status, qa: qa))
        }
    }
}

extension WebLinks {
    /// The kit page's "Check again" form.
    public static func qa(_ id: String) -> String { kit(id) + "/qa" }
}

extension WebPages {
    /// "Check again", beside the kit's QA line: a form that posts (303 back to the page) and
    /// app.js sends to `POST /api/v1/kits/{id}/qa`; the new verdicts arrive with the kit's events.
    static func checkAgainForm(_ view: KitPageView, into html: inout HTMLText) {
        guard let offer = view.checkAgain else { return }
        // Not the `action` class: its `display: inline` would outrank `hidden`.
        html.raw("<form class=\"qa-check\" method=\"post\" action=\"")
        html.attribute(WebLinks.qa(view.kit.id))
        html.raw(offer.available ? "\">" : "\" hidden>")
        if offer.judge {
            html.raw("<label><input type=\"checkbox\" name=\"judge\" value=\"yes\"> with the judge (a paid call per reference)</label> ")
        }
        html.raw("<button type=\"submit\" data-action=\"qa\" title=\"check the references again with today's [qa] settings, ")
        html.raw("making no image\">Check again</button></form>")
    }
}
