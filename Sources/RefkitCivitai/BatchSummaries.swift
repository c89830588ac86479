import Foundation
import Logging
import RefkitCore
import RefkitIntake
import RefkitStore

/// Finishes Civitai batches: when every image of a batch has ended as a kit (or was rejected),
/// its summary is logged, written to `STATE/civitai/batch-ID.json` (and `last-batch.json`), and
/// stored in the database for `refkit status`. Cheap when nothing is open (one query), so the
/// daemon may call it whenever a kit ends; `refkit civitai` calls it at the start of each run too.
public enum BatchSummaries {
    /// The folder under the state directory holding the batch files.
    public static func folder(stateDirectory: String) -> String { "\(stateDirectory)/civitai" }

    /// Makes the summary of every open batch whose kits have all ended. Returns those summaries.
    @discardableResult
    public static func completeFinishedBatches(
        database: RefkitDatabase, stateDirectory: String, logger: Logger, now: Date = Date(), abandonAfter: Duration = .seconds(86_400)
    ) -> [BatchSummary] {
        var done: [BatchSummary] = []
        do {
            for batch in try database.openCivitaiBatches() {
                let images = try database.civitaiBatchImages(batchID: batch.id)
                guard let summary = BatchSummary.make(batch: batch, images: images, now: now, abandonAfter: abandonAfter) else { continue }
                if try record(summary, database: database, stateDirectory: stateDirectory, logger: logger) { done.append(summary) }
            }
        } catch {
            logger.error("civitai batch summary failed", metadata: ["error": "\(error)"])
        }
        return done
    }

    /// Writes the files, then marks the batch finished; logs the summary line once (false when
    /// another process finished the batch first).
    static func record(_ summary: BatchSummary, database: RefkitDatabase, stateDirectory: String, logger: Logger) throws -> Bool {
        let text = summary.json.serialized
        let folder = folder(stateDirectory: stateDirectory)
        try FileSystem.writeAtomically(
            Array((text + "\n").utf8), to: "\(folder)/batch-\(summary.batchID).json", mode: 0o640, unwritableCode: .civitaiUnwritable)
        try FileSystem.writeAtomically(
            Array((text + "\n").utf8), to: "\(folder)/last-batch.json", mode: 0o640, unwritableCode: .civitaiUnwritable)
        guard try database.completeCivitaiBatch(id: summary.batchID, finishedAt: summary.finishedAt, summary: text) else { return false }
        var metadata: Logger.Metadata = [
            "civitai.batch": "\(summary.batchID)", "civitai.total": "\(summary.total)", "civitai.complete": "\(summary.complete)",
            "civitai.partial": "\(summary.partial)", "civitai.avatar_only": "\(summary.avatarOnly)",
            "civitai.failed": "\(summary.failed)",
            "civitai.references": "\(summary.referencesMade)", "civitai.spend_usd": "\(String(format: "%.4f", summary.spendUSD))",
            "civitai.wall_time_s": "\(Int(summary.wallTimeSeconds.rounded()))", "civitai.abandoned": "\(summary.abandoned)",
        ]
        metadata.merge(qaMetadata(summary.qa)) { first, _ in first }
        // Kits per content rating: `civitai.rating_none`, `_soft`, `_mature`, `_x`, `civitai.unrated`.
        for rating in ContentRating.allCases { metadata["civitai.rating_\(rating.name.lowercased())"] = "\(summary.ratings[rating] ?? 0)" }
        metadata["civitai.unrated"] = "\(summary.unrated)"
        logger.notice("civitai batch finished", metadata: metadata)
        return true
    }

    /// The QA counts as log metadata (`civitai.qa_pass`, ..., `civitai.qa_regenerations`); none when QA checked nothing.
    static func qaMetadata(_ qa: BatchQA?) -> Logger.Metadata {
        guard let qa else { return [:] }
        var metadata: Logger.Metadata = ["civitai.qa_regenerations": "\(qa.regenerations)"]
        for verdict in QAVerdict.allCases { metadata["civitai.qa_\(verdict.rawValue)"] = "\(qa.counts[verdict] ?? 0)" }
        return metadata
    }

    /// The summary of the most recent finished batch, as stored.
    public static func last(database: RefkitDatabase) throws -> JSONValue? {
        guard let text = try database.civitaiBatches(limit: 20).first(where: { $0.summary != nil })?.summary else { return nil }
        return try? JSONValue.parse(text)
    }
}
