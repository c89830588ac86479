import RefkitCore
import RefkitQA
import RefkitStore

// What `refkit show` and `refkit kits` print of QA: a column per stage, the reasons of every
// warned or failed reference under the table, and the kit's summary (the manifest's `qa`).

/// What `refkit show` and `refkit kits` print beside the JSON shapes (`KitJSON`).
enum KitView {
    /// The QA column of one stage: its verdict, with the attempts QA made when it made more than one
    /// (`fail x3`); `-` when it was not checked.
    static func qaColumn(_ qa: QAStageRecord?) -> String {
        guard let qa else { return "-" }
        return qa.verdict.rawValue + (qa.attempts > 1 ? " x\(qa.attempts)" : "")
    }

    /// The lines under the stage table: one per warned or failed reference with its reasons, then
    /// the command that makes the failed ones again; empty when every reference passed or was not checked.
    static func qaReasons(kit: KitRecord, stages: [StageRecord]) -> [String] {
        let flagged = KitJSON.checkedStages(stages).filter { ($0.qa?.verdict ?? .skipped) >= .warn }
        guard !flagged.isEmpty else { return [] }
        var lines = ["qa reasons:"]
        for stage in flagged {
            guard let note = stage.qa?.note else { continue }
            lines.append("  \(stage.stage.name): \(note.verdict.rawValue): \(note.summary.isEmpty ? "(no detail)" : note.summary)")
        }
        let failed = KitJSON.failedQA(stages)
        if !failed.isEmpty {
            let command = ShellWord.command(["refkit", "regenerate", kit.name] + failed.map(\.stage.name))
            lines.append("review:   \(failed.count) reference(s) failed QA; look at them, or make them again: \(command)")
        }
        return lines
    }
}
