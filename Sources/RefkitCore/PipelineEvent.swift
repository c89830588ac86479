/// What the pipeline did, announced through an `EventBroadcast` to whoever listens (Civitai batch
/// summaries, metrics, the systemd status line, a live view) without the pipeline knowing them.
public enum PipelineEvent: Sendable, Equatable {
    /// A stage was marked running and its provider call is about to be made.
    case stageStarted(kitID: String, stage: Stage, provider: String)
    /// A stage's result is stored and recorded.
    case stageDone(kitID: String, stage: Stage, provider: String)
    /// QA checked a stage's image and kept it (`attempts` made, the first included); announced
    /// just before `stageDone`.
    case stageChecked(kitID: String, stage: Stage, verdict: QAVerdict, attempts: Int)
    /// A stage ended without a result (`code` as in the manifest).
    case stageFailed(kitID: String, stage: Stage, code: String)
    /// A kit reached a final status and is published.
    case kitFinished(kitID: String, status: KitStatus)
}
