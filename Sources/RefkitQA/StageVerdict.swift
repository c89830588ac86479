import RefkitCore

/// One stage's QA once its checks have run: the checks as the manifest lists them and the
/// stage's verdict, the worst of them.
public struct StageVerdict: Sendable, Equatable {
    /// Local checks in order, then the judge's when it was asked.
    public var checks: [QACheckResult]
    /// The worst of `checks`.
    public var verdict: QAVerdict

    /// The reasons of the checks that warned or failed, in check order (what a regeneration
    /// folds into its prompt).
    public var reasons: [QAReason] { checks.filter { $0.verdict >= .warn }.compactMap(\.reason) }

    /// The verdict of `checks`: the worst of them.
    public init(checks: [QACheckResult]) {
        self.checks = checks
        self.verdict = QAVerdict.worst(of: checks.map(\.verdict))
    }

    /// Whether the judge is still worth a paid call: not when a local check failed hard. On
    /// the back view a duplicate or mirror match is not hard: plain full-body views share
    /// silhouettes, so the judge may still see a true rotation (QA-research.md §4).
    public static func needsJudge(stage: Stage, local: [QACheckResult]) -> Bool {
        !local.contains { isHardFailure($0, stage: stage) }
    }

    /// The stage's checks (local, then the judge's when it was asked) and verdict. A back view
    /// whose only failures are hash matches is downgraded to `warn` for them when the judge
    /// saw a true rotation without a face.
    public static func combine(
        stage: Stage, local: [QACheckResult], judge: JudgeOutcome?, thresholds: QAThresholds = QAThresholds()
    ) -> StageVerdict {
        var checks = local
        if let judge {
            let judged = judge.result(for: stage, thresholds: thresholds)
            if case .answered(let answer) = judge, stage == .back, judged.verdict == .pass, answer.backIsTrueRotation == true {
                checks = checks.map { check in
                    guard check.verdict == .fail, !isHardFailure(check, stage: stage) else { return check }
                    var softened = check
                    softened.verdict = .warn
                    softened.detail += "; the judge sees a true rotation, so this is not held against it"
                    return softened
                }
            }
            checks.append(judged)
        }
        return StageVerdict(checks: checks)
    }

    /// Whether to ask the judge once more with the images in the other order (§3.3): when it is
    /// unsure of the character, or when it and the local identity test disagree (one passes the
    /// face the other fails).
    public static func shouldAskAgain(local: [QACheckResult], answer: JudgeAnswer) -> Bool {
        if answer.sameCharacter == .unsure { return true }
        guard let identity = local.first(where: { $0.check == .identity }) else { return false }
        switch identity.verdict {
        case .pass: return answer.sameCharacter == .no
        case .fail: return answer.sameCharacter == .yes
        case .warn, .skipped: return false
        }
    }

    /// The stricter of two judge checks (the same images asked in both orders).
    public static func stricter(_ first: QACheckResult, _ second: QACheckResult) -> QACheckResult {
        second.verdict > first.verdict ? second : first
    }

    private static func isHardFailure(_ check: QACheckResult, stage: Stage) -> Bool {
        guard check.verdict == .fail else { return false }
        return !(stage == .back && (check.check == .duplicate || check.check == .mirror))
    }
}
