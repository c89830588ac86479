import RefkitCore
import RefkitQA
import RefkitStore

extension KitPublisher {
    /// The manifest's top-level `qa` object: references per verdict, regenerations, what the
    /// judge cost; nil when no made reference was checked.
    func qaSummary(kitID: String, stages: [StageRecord]) throws -> JSONValue? {
        let records = stages.filter { $0.status == .done && !$0.stage.isCandidate }.compactMap(\.qa)
        guard !records.isEmpty else { return nil }
        let identity = records.flatMap(\.checks).filter { $0.check == .identity }
        let mode: String? =
            identity.isEmpty ? nil : identity.contains { $0.verdict != .skipped } ? "photoreal" : "stylized"
        var summary = QAKitSummary(stages: records, spendUSD: try database.qaSpend(kitID: kitID), identityMode: nil)
        summary.identityMode = mode
        return summary.jsonValue
    }
}
