import RefkitCore
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
