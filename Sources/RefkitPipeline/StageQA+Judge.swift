import Logging
import RefkitCore
import RefkitProviders
import RefkitQA
import RefkitStore

extension StageQA {
    /// Every enabled check of one image: the local ones, then the judge's when it is enabled
    /// and still worth a paid call. Returns the stage verdict, the judge's record and score.
    func examine(
        kitID: String, stage: Stage, candidate: ReferenceImage, file: String?, images: KitImages, checks: Set<QACheckID>,
        budgets: KitBudgets, log: Logger
    ) async -> (StageVerdict, QAJudgeRecord?, judgeScore: Int?) {
        var local: [QACheckResult]
        do {
            try await measuring.acquire()
            defer { measuring.release() }
            local = try check(stage: stage, candidate: candidate.bytes, file: file, images: images, checks: checks)
        } catch {
            // QA's own trouble never costs the stage its image: it is published, unchecked, with why.
            log.warning("QA could not measure the image", metadata: ["error": "\(error)"])
            local = [.skipped(.health, "QA could not measure the image: \(error)")]
        }
        var judge: JudgeOutcome?
        var record: QAJudgeRecord?
        if checks.contains(.judge) {
            if !StageVerdict.needsJudge(stage: stage, local: local) {
                local.append(.skipped(.judge, "not asked: a local check failed"))
            } else if let reference = images.reference, let bytes = try? reference.bytes() {
                let asked = await askJudge(
                    kitID: kitID, stage: stage, reference: ReferenceImage(bytes: bytes, mime: reference.mime), candidate: candidate,
                    local: local, budgets: budgets, log: log)
                (judge, record) = (asked.outcome, asked.record)
            } else {
                local.append(.skipped(.judge, "nothing to compare with: the kit has no image of the character"))
            }
        }
        var score: Int?
        if case .answered(let answer)? = judge { score = answer.identityScore }
        return (StageVerdict.combine(stage: stage, local: local, judge: judge, thresholds: settings.thresholds), record, score)
    }

    /// Asks the judge about one attempt (QA-research.md §3.3): the locked reference and the
    /// candidate with the rubric, within the kit's budgets (`[qa] judge_price_per_call_usd` is
    /// reserved before each call, like an image); asked once more with the images swapped when
    /// it is unsure or disagrees with the face measurement, keeping the stricter answer. A judge
    /// that cannot be asked, fails, times out or breaks the rubric is `unavailable`: a warning,
    /// never a pass.
    func askJudge(
        kitID: String, stage: Stage, reference: ReferenceImage, candidate: ReferenceImage, local: [QACheckResult], budgets: KitBudgets,
        log: Logger
    ) async -> (outcome: JudgeOutcome, record: QAJudgeRecord) {
        guard let judge else {
            let why = judgeUnavailable ?? "no judge is configured"
            return (.unavailable(why), QAJudgeRecord(model: settings.judgeModel ?? "", costUSD: 0, error: why))
        }
        var spent = 0.0
        var model = judge.model
        func ask(candidateFirst: Bool) async -> JudgeOutcome {
            let reply: JudgeReply
            do {
                reply = try await budgets.paidCall(
                    kitID: kitID, subject: RefkitDatabase.judgeSubject(stage), price: judge.priceUSD
                ) {
                    try await judge.ask(
                        reference, candidate, JudgeRubric.system, JudgeRubric.userText(for: stage, candidateFirst: candidateFirst),
                        candidateFirst)
                }
                spent += judge.priceUSD
                model = reply.model
            } catch {
                let failure = StageRunner.failure(error)
                log.notice("the QA judge could not answer", metadata: ["code": "\(failure.code)"])
                return .unavailable("\(failure.code): \(failure.message)")
            }
            do {
                return .answered(try JudgeAnswer.parse(reply.text))
            } catch {
                let cut = reply.truncated ? " (the answer was cut off at the model's output limit)" : ""
                return .unavailable("the judge's answer broke the rubric: \(error.description)\(cut)")
            }
        }
        var outcome = await ask(candidateFirst: false)
        if case .answered(let first) = outcome, StageVerdict.shouldAskAgain(local: local, answer: first) {
            let second = await ask(candidateFirst: true)
            if case .answered = second {
                let thresholds = settings.thresholds
                let a = outcome.result(for: stage, thresholds: thresholds)
                let b = second.result(for: stage, thresholds: thresholds)
                if StageVerdict.stricter(a, b) == b, a != b { outcome = second }
            }
        }
        return (outcome, QAJudgeRecord(model: model, costUSD: spent, outcome: outcome))
    }
}
