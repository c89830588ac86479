import Logging
import RefkitCore
import RefkitStore

/// Completes Civitai batch summaries as the pipeline finishes kits: each `.kitFinished` event
/// asks whether a batch has now ended (one cheap query when none is open). Subscribes when made,
/// so no event published after `init` is missed.
public struct BatchSummaryService: Sendable {
    private let events: AsyncStream<PipelineEvent>
    private let database: RefkitDatabase
    private let stateDirectory: String
    private let logger: Logger

    public init(events: EventBroadcast<PipelineEvent>, database: RefkitDatabase, stateDirectory: String, logger: Logger) {
        self.events = events.subscribe()
        self.database = database
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    /// Handles events until the broadcast finishes (every event published before that is handled).
    public func run() async {
        for await event in events {
            guard case .kitFinished = event else { continue }
            BatchSummaries.completeFinishedBatches(database: database, stateDirectory: stateDirectory, logger: logger)
        }
    }
}
