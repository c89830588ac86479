import RefkitWatch

/// What intake did with the inbox, published through `IntakeService.events` for whoever
/// listens: the scheduler (new work), `once`, metrics, tests; intake knows none of them.
public enum IntakeEvent: Sendable, Hashable {
    /// A kit has new work queued: a new kit, a repeated source that extended one, a follow-up
    /// or face swap order, or a control order applied to it.
    case kitQueued(kitID: String, watch: String)
    /// A drop brought nothing new: its kit exists already (same bytes, or a follow-up asking
    /// for what the kit has).
    case duplicate(kitID: String, watch: String)
    /// A file was rejected (`code`) and moved to `rejected/`, or left in the inbox when it
    /// could not be moved; `file` is its path below the inbox.
    case rejected(watch: String, file: String, code: String)
    /// A file waits for its partner (an image for its sidecar, an order for its image).
    case waiting(watch: String, file: String)
    /// Intake finished one step: a settled entry handled, or the waits that ran out dealt with.
    /// Sent after the events the step caused; `waiting` files still wait for their partner. Whoever
    /// waits for intake to be idle (`once`, tests) looks again when it comes.
    case stepFinished(waiting: Int)
}
