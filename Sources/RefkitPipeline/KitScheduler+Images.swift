import RefkitCore
import RefkitStore

// Issue 17, item 2: an `images` entry may name its own provider, for its images only.
extension KitScheduler {
    /// The provider the `images` entry of a made-image stage names; nil for other stages and
    /// entries that name none (the kit's provider makes them). Read from the store each time:
    /// a follow-up order may add the entry while the kit's provider is remembered.
    func imageProvider(_ runnable: RunnableStage) -> String? {
        guard runnable.stage.isMadeImage else { return nil }
        return (try? database.kitOrder(kitID: runnable.kitID))?.imageRequest(for: runnable.stage)?.provider
    }
}
