import RefkitCore

extension JudgeAnswer {
    /// The judge's check for `stage` by the pass rule of QA-research.md §3.3: `image_ok`, no
    /// text (scenes excepted), an allowed `observed_view`, no face and a true rotation on the
    /// back view, not a mirror of the reference, `same_character` yes with a score of at least
    /// `judgeIdentityScore`. "unsure" with a good score warns. The reason is the first problem
    /// of the worst kind, image before view before identity.
    public func verdict(for stage: Stage, thresholds: QAThresholds = QAThresholds()) -> QACheckResult {
        let expectation = ViewExpectation.of(stage)
        var problems: [(verdict: QAVerdict, reason: QAReason, text: String)] = []
        if !imageOk { problems.append((.fail, .judgeImage, "the image is broken or not a picture of the character")) }
        let isScene = if case .scene = stage { true } else { false }
        if containsText, !isScene { problems.append((.fail, .judgeImage, "the image contains text")) }
        if !expectation.allowedViews.contains(observedView) {
            problems.append((.fail, .judgeView, "observed view \(observedView.rawValue) is not \(expectation.spec)"))
        }
        if stage == .back, faceVisible { problems.append((.fail, .judgeView, "a face is visible on the back view")) }
        if stage == .back, backIsTrueRotation == false { problems.append((.fail, .judgeView, "the back is not a true rotation")) }
        if isMirrorOfReference { problems.append((.fail, .judgeView, "the character is mirrored")) }
        if sameCharacter == .no { problems.append((.fail, .judgeIdentity, "not the same character")) }
        if identityScore < thresholds.judgeIdentityScore {
            problems.append((.fail, .judgeIdentity, "identity score \(identityScore) is under \(thresholds.judgeIdentityScore)"))
        } else if sameCharacter == .unsure {
            problems.append((.warn, .judgeIdentity, "the judge is unsure it is the same character"))
        }
        let seen =
            "same_character \(sameCharacter.rawValue), identity \(identityScore)/4, view \(observedView.rawValue)"
            + ", face \(faceVisible ? "visible" : "not visible")"
        let verdict = QAVerdict.worst(of: problems.map(\.verdict) + [.pass])
        let first = problems.first { $0.verdict == verdict }
        let detail = problems.isEmpty ? seen : "\(seen): " + problems.map(\.text).joined(separator: "; ")
        return QACheckResult(
            check: .judge, verdict: verdict, score: Double(identityScore), threshold: Double(thresholds.judgeIdentityScore),
            detail: detail, reason: first?.reason)
    }
}

/// What came back from the judge for one candidate.
public enum JudgeOutcome: Sendable, Equatable {
    /// A rubric answer that parsed.
    case answered(JudgeAnswer)
    /// Failed, timed out, refused, or broke the rubric (`JudgeAnswerError.description`).
    case unavailable(String)

    /// The judge's check for `stage`; an unavailable judge warns, never passes.
    public func result(for stage: Stage, thresholds: QAThresholds = QAThresholds()) -> QACheckResult {
        switch self {
        case .answered(let answer): answer.verdict(for: stage, thresholds: thresholds)
        case .unavailable(let why): .judgeUnavailable(why)
        }
    }
}
