import RefkitConfig
import RefkitCore

/// `POST /api/v1/kits/{id}/qa` (the kit page's "Check again"): what is asked, and whether it may
/// start now, decided from values so every refusal is tested without a server or a store.
public struct KitQARequest: Sendable, Equatable {
    /// Also ask the vision judge (`refkit qa --judge`): a paid call per reference.
    public var judge: Bool

    public init(judge: Bool) { self.judge = judge }

    /// The API's body, `{"judge": false}` (`{}` or no body: without the judge).
    public init(json members: [String: JSONValue]) throws(WebProblem) {
        if let unknown = members.keys.sorted().first(where: { $0 != "judge" }) {
            throw WebProblem(400, "bad_request", "unknown key \"\(unknown)\"; this endpoint takes judge")
        }
        switch members["judge"] {
        case nil, .null?: judge = false
        case .bool(let value)?: judge = value
        default: throw WebProblem(400, "bad_request", "\"judge\" is true or false")
        }
    }

    /// The kit page's form: the "with the judge" box ticked or not.
    public init(form: WebForm) { judge = form["judge"] != nil }

    /// Why the check cannot start now, or nil: `[qa]` off (409 `qa_off`), the judge asked for
    /// without one configured (400 `judge_not_configured`), a kit that is not finished (409
    /// `kit_busy`: still being made, published, or waiting for its avatar; its references would
    /// change under the check), or one whose check is still running (409 `kit_busy`).
    public func refusal(kit name: String, status: KitStatus, qa: Configuration.QA, checking: Bool) -> WebProblem? {
        guard qa.enabled else {
            return WebProblem(409, "qa_off", "[qa] is off: set [qa] enabled = true (and reload) to check kits again")
        }
        if judge, qa.judge == nil {
            return WebProblem(
                400, "judge_not_configured", "no judge is configured: set [qa] judge to \"analyzer\" or a provider of kind openai or gemini"
            )
        }
        if let busy = Self.busyReason(status) {
            return WebProblem(409, "kit_busy", "\(name) \(busy); check it again once it is complete, partial or failed")
        }
        if checking {
            return WebProblem(409, "kit_busy", "\(name) is being checked again already; its verdicts come with the event qa_rechecked")
        }
        return nil
    }

    /// What a kit in `status` is doing that a check must not run beside, or nil when it is finished.
    public static func busyReason(_ status: KitStatus) -> String? {
        switch status {
        case .queued: "is queued (to be made, or published again after a change)"
        case .analyzing: "is being analyzed"
        case .generating: "is still generating"
        case .awaitingSelection: "waits for its avatar to be chosen"
        case .complete, .partial, .failed: nil
        }
    }

    /// Whether the kit page offers "Check again": QA on, and the kit finished.
    public static func offered(status: KitStatus, qa: Configuration.QA) -> Bool {
        qa.enabled && busyReason(status) == nil
    }
}
