import RefkitCore

/// What an event in the log records. The raw string is `events.type` on disk, read back by
/// `EventRecord.type` and by queries (the day's rejections, a kit waiting to be published): it
/// never changes; in code it is a static member, so a misspelt type does not compile.
public struct EventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A drop became a new kit.
    public static let accepted = Self(rawValue: "accepted")
    /// The analyzer described the kit's source.
    public static let analyzed = Self(rawValue: "analyzed")
    /// A kit with candidates waits for a person to choose its avatar.
    public static let awaitingSelection = Self(rawValue: "awaiting_selection")
    public static let civitaiBatchFinished = Self(rawValue: "civitai_batch_finished")
    public static let civitaiBatchStarted = Self(rawValue: "civitai_batch_started")
    /// A kit and its state were deleted.
    public static let deleted = Self(rawValue: "deleted")
    /// A drop asked for nothing new.
    public static let duplicate = Self(rawValue: "duplicate")
    /// A repeated source with an order that asks for more added stages to its kit.
    public static let extended = Self(rawValue: "extended")
    public static let faceSwap = Self(rawValue: "face_swap")
    public static let followUp = Self(rawValue: "follow_up")
    /// A given-up hook delivery was put back to pending by an operator (`refkit hooks resend`, the web UI).
    public static let hookResent = Self(rawValue: "hook_resent")
    public static let providerPaused = Self(rawValue: "provider_paused")
    /// A kit's publish met a full or unwritable outbox; it is published again later.
    public static let publishWaiting = Self(rawValue: "publish_waiting")
    public static let regenerate = Self(rawValue: "regenerate")
    /// `refkit qa` checked a kit's references again.
    public static let qaRechecked = Self(rawValue: "qa_rechecked")
    /// A check of a kit's references again, started from the web UI, ended without verdicts (why: its message).
    public static let qaRecheckFailed = Self(rawValue: "qa_recheck_failed")
    /// An inbox entry was refused (quarantined into `rejected/`).
    public static let rejected = Self(rawValue: "rejected")
    /// Stages made from an earlier locked reference were queued again.
    public static let remake = Self(rawValue: "remake")
    /// A chosen avatar was replaced by another candidate.
    public static let reselected = Self(rawValue: "reselected")
    public static let retry = Self(rawValue: "retry")
    public static let selected = Self(rawValue: "selected")
    public static let stageDone = Self(rawValue: "stage_done")
    public static let stageFailed = Self(rawValue: "stage_failed")

    /// A kit finished with `status`: `kit_complete`, `kit_partial`, `kit_failed`.
    public static func kitFinished(_ status: KitStatus) -> Self { Self(rawValue: "kit_\(status.rawValue)") }
}
