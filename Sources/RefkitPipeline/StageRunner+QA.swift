import Foundation
import Logging
import RefkitCore
import RefkitDigest
import RefkitProviders
import RefkitQA
import RefkitStore

extension StageRunner {
    /// One attempt at a stage that QA looked at.
    struct CheckedAttempt {
        var made: CheckedImage
        var madeBy: String
        /// The attempt's work file (relative to the state directory).
        var file: String
        var sha256: String
        var verdict: StageVerdict
        var judge: QAJudgeRecord?
        var decisionInput: RegenerationPolicy.Attempt
    }

    /// Makes the stage's image and checks it (issue 15): a failed verdict makes it again with a
    /// new seed and the reason in the prompt, while `[qa] max_regenerations` and the kit's budgets
    /// allow; then keeps the best attempt (`RegenerationPolicy`) and records the stage done with
    /// its QA. Every attempt's image is written before it is checked (it was paid for), and its
    /// cost moves onto the stage at once.
    func makeChecked(
        _ runnable: RunnableStage, stage: Stage, provider: String, context: StageContext, checks: Set<QACheckID>,
        started: ContinuousClock.Instant, log: inout Logger
    ) async throws {
        var attempts: [CheckedAttempt] = []
        var retake: Retake?
        var keep = 0
        var stopped: String?
        var stoppedByBudget = false
        decide: while true {
            let made: CheckedImage
            let madeBy: String
            do {
                (made, madeBy) = try await generateWithFallback(
                    runnable, stage: stage, provider: provider, context: context, retake: retake, log: &log)
            } catch {
                // The first attempt's failure is the stage's; a regeneration's keeps what was made.
                guard !attempts.isEmpty, !Task.isCancelled else { throw error }
                let failure = Self.failure(error)
                stoppedByBudget = failure.code == .budgetKitExceeded || failure.code == .budgetDayExceeded
                stopped = "the next attempt could not be made: \(failure.code): \(failure.message)"
                log.notice("a QA regeneration failed; keeping the best attempt", metadata: ["code": "\(failure.code)"])
                keep = RegenerationPolicy.bestAttempt(attempts.map(\.decisionInput))
                break decide
            }
            let attempt = try await checkAttempt(made, madeBy: madeBy, runnable, stage: stage, checks: checks, log: log)
            attempts.append(attempt)
            let decision = qa.policy.decide(
                stage: stage, attempts: attempts.map(\.decisionInput),
                budgetAllowsAnother: budgetAllowsAnother(runnable, provider: madeBy))
            switch decision {
            case .accept:
                keep = attempts.count - 1
                break decide
            case .regenerate(let seedOffset, let addendum):
                retake = Retake(seedOffset: seedOffset, promptAddendum: addendum)
                metrics?.qaRegenerations.increment(labels: ["stage": String(stage.name.prefix { $0 != ":" })])
                log.notice(
                    "QA failed the image; making it again",
                    metadata: ["attempt": "\(attempts.count)", "reasons": "\(attempt.verdict.reasons.map(\.code).joined(separator: ","))"])
            case .giveUp(let best, let reason):
                keep = best
                if reason == .budgetExhausted {
                    stoppedByBudget = true
                    stopped = "the budget has no room for another attempt"
                } else {
                    stopped = "no attempts left (max_regenerations \(qa.policy.maxRegenerations))"
                }
                break decide
            }
        }
        try await storeChecked(
            attempts: attempts, keep: keep, stopped: stopped, byBudget: stoppedByBudget, runnable, stage: stage, started: started, log: log)
    }

    /// Records the kept attempt as the stage's result and removes the others' work files.
    private func storeChecked(
        attempts: [CheckedAttempt], keep: Int, stopped: String?, byBudget: Bool, _ runnable: RunnableStage, stage: Stage,
        started: ContinuousClock.Instant, log: Logger
    ) async throws {
        let kept = attempts[keep]
        var verdict = kept.verdict
        if let stopped, verdict.verdict == .fail, let i = verdict.checks.firstIndex(where: { $0.verdict == .fail }) {
            verdict.checks[i].detail += "; kept the best of \(attempts.count) attempt(s): \(stopped)"
            if byBudget { verdict.checks[i].detail += " (\(QAReason.budgetExhausted.code))" }
        }
        let record = QAStageRecord(verdict, attempts: attempts.count, judge: kept.judge)
        let ms = Int((ContinuousClock.now - started) / .milliseconds(1))
        let image = kept.made.image
        try await space.whileStateFull("a checked result", log: log) {
            try database.completeStage(
                id: runnable.stageID, kitID: runnable.kitID, stage: stage, file: kept.file, sha256: kept.sha256, format: kept.made.format,
                width: image.width, height: image.height, model: image.model, costUSD: 0, durationMs: ms,
                locksReference: stage == .avatar, qa: record,
                madeWith: MadeWith(
                    provider: kept.madeBy, prompt: kept.made.prompt, seed: kept.made.seed, inputs: kept.made.inputs?.serialized,
                    negativePrompt: kept.made.negativePrompt))
        }
        for (i, other) in attempts.enumerated() where i != keep {
            try? FileManager.default.removeItem(atPath: work.absolute(other.file))
        }
        for check in record.checks {
            metrics?.qaChecks.increment(labels: ["check": check.check.rawValue, "verdict": check.verdict.rawValue])
        }
        events.publish(.stageChecked(kitID: runnable.kitID, stage: stage, verdict: record.verdict, attempts: record.attempts))
        if record.verdict >= .warn {
            log.notice(
                "QA: \(record.verdict.rawValue)",
                metadata: ["attempts": "\(record.attempts)", "checks": "\(record.note.summary)"])
        }
        let cost = attempts.reduce(0) { $0 + $1.made.image.costUSD }
        announceDone(runnable, stage: stage, madeBy: kept.madeBy, costUSD: cost, ms: ms, log: log)
    }

    /// Writes one attempt's image, moves its cost onto the stage, and checks it.
    private func checkAttempt(
        _ made: CheckedImage, madeBy: String, _ runnable: RunnableStage, stage: Stage, checks: Set<QACheckID>, log: Logger
    ) async throws -> CheckedAttempt {
        let bytes = made.image.bytes
        let path = try workPath(runnable, stage: stage, format: made.format)
        try await space.whileStateFull("a paid result", log: log) {
            try work.write(bytes, to: path)
            try database.keepAttemptCost(stageID: runnable.stageID, costUSD: made.image.costUSD)
        }
        if made.image.costUSD > 0 { metrics?.spend.increment(by: made.image.costUSD, labels: ["watch": runnable.watch]) }
        // The kit as it is now: references made meanwhile by other stages are compared too.
        let context = try readContext(runnable)
        let images = try qa.kitImages(context, stage: stage, excluding: runnable.stageID)
        let (verdict, judgeRecord, judgeScore) = await qa.examine(
            kitID: runnable.kitID, stage: stage, candidate: ReferenceImage(bytes: bytes, mime: made.format.mime), file: path,
            images: images,
            checks: checks, budgets: budgets, log: log)
        let distance = verdict.checks.first { $0.check == .identity && $0.verdict != .skipped }?.score
        return CheckedAttempt(
            made: made, madeBy: madeBy, file: path, sha256: SHA256Digest.hex(of: bytes), verdict: verdict, judge: judgeRecord,
            decisionInput: RegenerationPolicy.Attempt(
                verdict: verdict.verdict, judgeScore: judgeScore, identityDistance: distance, reasons: verdict.reasons))
    }

    /// Whether the kit's budgets have room for one more image from `provider` (and its judge call).
    func budgetAllowsAnother(_ runnable: RunnableStage, provider: String) -> Bool {
        let price = (registry.entry(provider)?.config.pricePerImageUSD ?? 0) + (qa.judge?.priceUSD ?? 0)
        guard let claim = try? budgets.claim(kitID: runnable.kitID, price: price) else { return true }
        do {
            return try database.budgetRefusal(kitID: runnable.kitID, claim: claim) == nil
        } catch {
            return false  // the spend cannot be read: no new paid call
        }
    }
}
