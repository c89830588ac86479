import Foundation
import RefkitCore
import RefkitPublish
import RefkitQA
import RefkitStore

extension KitPublisher {
    /// The manifest's top-level `qa` object: references per verdict, regenerations, what the
    /// judge cost, identity mode; nil when no made reference was checked.
    func qaSummary(kitID: String, stages: [StageRecord]) throws -> JSONValue? {
        let records = stages.filter { $0.status == .done && !$0.stage.isCandidate }.compactMap(\.qa)
        guard !records.isEmpty else { return nil }
        return QAKitSummary(checked: records, spendUSD: try database.qaSpend(kitID: kitID))?.jsonValue
    }
}

extension KitPublisher {
    /// Rewrites the outbox's `index.html` (every kit published to the watch's outbox, newest
    /// first). A failure is logged, never the kit's: the index is a convenience, the kit folder
    /// is what was published.
    func refreshOutboxIndex(watch name: String) {
        guard let watch = configuration.watch(named: name) else { return }
        let outbox = (watch.outbox as NSString).standardizingPath
        do {
            let entries = try database.outboxListing(watch: name).compactMap { kit -> OutboxIndex.Entry? in
                // Kits published to an earlier outbox of the watch are listed there, not here.
                guard (kit.outboxDir as NSString).deletingLastPathComponent == outbox else { return nil }
                return OutboxIndex.Entry(
                    name: kit.name, folder: (kit.outboxDir as NSString).lastPathComponent, status: kit.status, createdAt: kit.createdAt,
                    needsReview: kit.needsReview)
            }
            try OutboxPublisher(outbox: outbox).writeIndex(entries, generatedAt: Timestamp.string())
        } catch {
            logger.warning("cannot write the outbox's index.html", metadata: ["outbox": "\(outbox)", "error": "\(error)"])
        }
    }
}
