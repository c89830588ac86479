import Logging
import RefkitCore
import RefkitProviders
import RefkitQA
import RefkitStore

extension StageRunner {
    /// Asks the judge about one attempt (QA-research.md §3.3): the locked reference and the
    /// candidate with the rubric, within the kit's budgets (`[qa] judge_price_per_call_usd` is
    /// reserved before each call, like an image); asked once more with the images swapped when
    /// it is unsure or disagrees with the face measurement, keeping the stricter answer. A judge
    /// that cannot be asked, fails, times out or breaks the rubric is `unavailable`: a warning,
    /// never a pass.
    func askJudge(
        _ runnable: RunnableStage, stage: Stage, reference: ReferenceImage, candidate: ReferenceImage, local: [QACheckResult],
        log: Logger
    ) async -> (outcome: JudgeOutcome, record: QAJudgeRecord) {
        guard let judge = qa.judge else {
            let why = qa.judgeUnavailable ?? "no judge is configured"
            return (.unavailable(why), QAJudgeRecord(model: qa.settings.judgeModel ?? "", costUSD: 0, error: why))
        }
        var spent = 0.0
        func ask(candidateFirst: Bool) async -> JudgeOutcome {
            let text: String
            do {
                text = try await budgets.paidCall(
                    kitID: runnable.kitID, subject: RefkitDatabase.judgeSubject(stage), price: judge.priceUSD
                ) {
                    try await judge.ask(reference, candidate, JudgeRubric.system, JudgeRubric.userText(for: stage), candidateFirst)
                }
                spent += judge.priceUSD
            } catch {
                let failure = Self.failure(error)
                log.notice("the QA judge could not answer", metadata: ["code": "\(failure.code)"])
                return .unavailable("\(failure.code): \(failure.message)")
            }
            do {
                return .answered(try JudgeAnswer.parse(text))
            } catch {
                return .unavailable("the judge's answer broke the rubric: \(error.description)")
            }
        }
        var outcome = await ask(candidateFirst: false)
        if case .answered(let first) = outcome, StageVerdict.shouldAskAgain(local: local, answer: first) {
            let second = await ask(candidateFirst: true)
            if case .answered = second {
                let thresholds = qa.settings.thresholds
                let a = outcome.result(for: stage, thresholds: thresholds)
                let b = second.result(for: stage, thresholds: thresholds)
                if StageVerdict.stricter(a, b) == b, a != b { outcome = second }
            }
        }
        return (outcome, QAJudgeRecord(model: judge.model, costUSD: spent, outcome: outcome))
    }
}
