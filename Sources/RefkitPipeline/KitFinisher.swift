import RefkitCore
import Synchronization

/// Finishes kits whose stages have all ended: publishes each (KitPublisher), once even when its
/// last two stages end together, records its final status and announces `.kitFinished`.
final class KitFinisher: Sendable {
    private struct State {
        /// Kits being published now.
        var finishing: Set<String> = []
        /// Kits asked to finish again while they were being published.
        var again: Set<String> = []
        var finished = FinishedKits()
    }

    private let publisher: KitPublisher
    private let events: EventBroadcast<PipelineEvent>
    private let state = Mutex(State())

    init(publisher: KitPublisher, events: EventBroadcast<PipelineEvent>) {
        self.publisher = publisher
        self.events = events
    }

    /// Kits finished, each with its latest final status (for `once` and the batch summary): a
    /// kit that ends partial, is retried and ends complete is one complete kit.
    var finished: FinishedKits { state.withLock { $0.finished } }

    /// Publishes a kit whose stages have all ended.
    func finish(kitID: String) async {
        // A finish asked for while another is publishing the kit is not dropped: that publish
        // may have read the kit before the change, so it runs once more when the first ends.
        guard claim(kitID) else { return }
        var status = await publisher.finish(kitID: kitID)
        // Taking a pending "again" and giving up the claim are one step: a finish asked for
        // between two separate steps would find the claim still held, leave its "again" behind
        // and be lost (seen: a kit left `generating` with nothing to run).
        while againOrRelease(kitID) {
            if let again = await publisher.finish(kitID: kitID) { status = again }
        }
        guard let status else { return }
        state.withLock { $0.finished.record(kitID: kitID, status) }
        // Subscribers act on it (a nightly Civitai batch whose kits have all ended gets its summary).
        events.publish(.kitFinished(kitID: kitID, status: status))
    }

    private func claim(_ kitID: String) -> Bool {
        state.withLock { s in
            if s.finishing.insert(kitID).inserted { return true }
            s.again.insert(kitID)
            return false
        }
    }

    /// True (keeping the claim) when another finish was asked for meanwhile; else releases it.
    private func againOrRelease(_ kitID: String) -> Bool {
        state.withLock { s in
            if s.again.remove(kitID) != nil { return true }
            s.finishing.remove(kitID)
            return false
        }
    }
}
