import RefkitCore
import RefkitQA
import RefkitStore

// What `refkit show` and `refkit kits` print of QA: a column per stage, the reasons of every
// warned or failed reference under the table, and the kit's summary (the manifest's `qa`).

extension KitView {
    /// The references QA looked at: done stages with a QA record, not avatar candidates (as the manifest counts them).
    static func checkedStages(_ stages: [StageRecord]) -> [StageRecord] {
        stages.filter { $0.status == .done && !$0.stage.isCandidate && $0.qa != nil }
    }

    /// The references whose QA verdict is `fail`: what `kits --needs-review` names and `show` offers to make again.
    static func failedQA(_ stages: [StageRecord]) -> [StageRecord] {
        checkedStages(stages).filter { $0.qa?.verdict == .fail }
    }

    /// The kit's QA summary; nil when no reference was checked (QA off, nothing made yet).
    static func qaSummary(_ stages: [StageRecord], spendUSD: Double) -> QAKitSummary? {
        QAKitSummary(checked: checkedStages(stages).compactMap(\.qa), spendUSD: spendUSD)
    }

    /// The QA column of one stage: its verdict, with the attempts QA made when it made more than one
    /// (`fail x3`); `-` when it was not checked.
    static func qaColumn(_ qa: QAStageRecord?) -> String {
        guard let qa else { return "-" }
        return qa.verdict.rawValue + (qa.attempts > 1 ? " x\(qa.attempts)" : "")
    }

    /// The lines under the stage table: one per warned or failed reference with its reasons, then
    /// the command that makes the failed ones again; empty when every reference passed or was not checked.
    static func qaReasons(kit: KitRecord, stages: [StageRecord]) -> [String] {
        let flagged = checkedStages(stages).filter { ($0.qa?.verdict ?? .skipped) >= .warn }
        guard !flagged.isEmpty else { return [] }
        var lines = ["qa reasons:"]
        for stage in flagged {
            guard let note = stage.qa?.note else { continue }
            lines.append("  \(stage.stage.name): \(note.verdict.rawValue): \(note.summary.isEmpty ? "(no detail)" : note.summary)")
        }
        let failed = failedQA(stages)
        if !failed.isEmpty {
            let command = ShellWord.command(["refkit", "regenerate", kit.name] + failed.map(\.stage.name))
            lines.append("review:   \(failed.count) reference(s) failed QA; look at them, or make them again: \(command)")
        }
        return lines
    }
}
