import RefkitConfig
import RefkitStore

/// Which hooks an event of the log concerns, and what each is told: values only, no store.
public enum HookRule {
    public typealias Event = Configuration.Hook.Event

    /// What one hook is told about one event.
    public struct Notice: Sendable, Equatable {
        public var hook: String
        public var event: Event

        public init(hook: String, event: Event) {
            self.hook = hook
            self.event = event
        }
    }

    /// The hook event an events-table `type` is (`kit_complete`, `kit_partial`, `kit_failed`,
    /// `awaiting_selection`); nil for the rest of the log (stages, intake, selections...).
    public static func event(ofType type: String) -> Event? {
        switch type {
        case EventType.kitFinished(.complete).rawValue: .kitComplete
        case EventType.kitFinished(.partial).rawValue: .kitPartial
        case EventType.kitFinished(.failed).rawValue: .kitFailed
        case EventType.awaitingSelection.rawValue: .awaitingSelection
        default: nil
        }
    }

    /// Whether the hooks need to know the kit's QA verdicts for `event` (only a kit that finished
    /// with references can have failed QA; reading its stages is skipped for the rest).
    public static func asksAboutQA(_ event: Event) -> Bool { event == .kitComplete || event == .kitPartial }

    /// The notices of `event` for a kit of `watch`, one per hook at most, in the hooks' order. A kit
    /// that finished with a reference whose QA verdict is `fail` is `qa_failed` to a hook that asked
    /// for it (the body's `status` still says complete or partial); to the others it is its status.
    public static func notices(for event: Event, failedQA: Bool, watch: String, hooks: [Configuration.Hook]) -> [Notice] {
        hooks.compactMap { hook in
            if failedQA && asksAboutQA(event) && hook.wants(.qaFailed, watch: watch) { return Notice(hook: hook.name, event: .qaFailed) }
            return hook.wants(event, watch: watch) ? Notice(hook: hook.name, event: event) : nil
        }
    }
}
