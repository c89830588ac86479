import RefkitCore
import Testing

@testable import RefkitQA

@Suite("StageVerdict")
struct StageVerdictTests {
    static func check(_ id: QACheckID, _ verdict: QAVerdict, _ reason: QAReason? = nil) -> QACheckResult {
        QACheckResult(check: id, verdict: verdict, detail: "\(id.rawValue) \(verdict.rawValue)", reason: reason)
    }

    static let clean = [
        check(.health, .pass), check(.duplicate, .pass), check(.mirror, .pass), check(.face, .pass), check(.identity, .skipped),
    ]

    @Test("a local hard fail decides without the judge")
    func hardFail() {
        var local = Self.clean
        local[3] = Self.check(.face, .fail, .faceInBackView)
        #expect(!StageVerdict.needsJudge(stage: .back, local: local))
        #expect(StageVerdict.needsJudge(stage: .back, local: Self.clean))
        let warned = [Self.check(.health, .pass), Self.check(.identity, .warn, .identityDistance)]
        #expect(StageVerdict.needsJudge(stage: .front, local: warned))
        let combined = StageVerdict.combine(stage: .back, local: local, judge: nil)
        #expect(combined.verdict == .fail && combined.checks.count == 5 && combined.reasons == [.faceInBackView])
    }

    @Test("the verdict is the worst of the checks, the judge's included")
    func worst() {
        let pass = StageVerdict.combine(stage: .front, local: Self.clean, judge: .answered(Facts.answer()))
        #expect(pass.verdict == .pass && pass.checks.last?.check == .judge && pass.reasons.isEmpty)
        let unavailable = StageVerdict.combine(stage: .front, local: Self.clean, judge: .unavailable("HTTP 429"))
        #expect(unavailable.verdict == .warn && unavailable.reasons == [.judgeUnavailable])
        let wrongView = StageVerdict.combine(stage: .side, local: Self.clean, judge: .answered(Facts.answer(view: .front)))
        #expect(wrongView.verdict == .fail && wrongView.reasons == [.judgeView])
        let off = QACheckID.allCases.dropLast().map { QACheckResult.skipped($0, "off") }
        let allSkipped = StageVerdict.combine(stage: .scene("x"), local: off, judge: nil)
        #expect(allSkipped.verdict == .skipped)
    }

    @Test("on the back view a hash match is not hard, and a true rotation seen by the judge softens it to warn")
    func backHashMatch() {
        var local = Self.clean
        local[1] = Self.check(.duplicate, .fail, .duplicateOf("front.png"))
        #expect(StageVerdict.needsJudge(stage: .back, local: local))
        #expect(!StageVerdict.needsJudge(stage: .side, local: local))
        let trueRotation = Facts.answer(view: .back, face: false, rotation: true)
        let rotation = StageVerdict.combine(stage: .back, local: local, judge: .answered(trueRotation))
        #expect(rotation.verdict == .warn)
        #expect(rotation.checks[1].verdict == .warn && rotation.checks[1].detail.contains("true rotation"))
        let noWord = Facts.answer(view: .back, face: false, rotation: nil)
        let unsure = StageVerdict.combine(stage: .back, local: local, judge: .answered(noWord))
        #expect(unsure.verdict == .fail)
        let noJudge = StageVerdict.combine(stage: .back, local: local, judge: .unavailable("timeout"))
        #expect(noJudge.verdict == .fail && noJudge.reasons == [.duplicateOf("front.png"), .judgeUnavailable])
    }
}

@Suite("RegenerationPolicy")
struct RegenerationPolicyTests {
    typealias Attempt = RegenerationPolicy.Attempt
    let policy = RegenerationPolicy()

    @Test("pass, warn and skipped are published without retry")
    func accept() {
        for verdict in [QAVerdict.pass, .warn, .skipped] {
            #expect(policy.decide(stage: .front, attempts: [Attempt(verdict: verdict)], budgetAllowsAnother: true) == .accept)
        }
    }

    @Test("a failure regenerates with a new seed and the reason folded into the prompt, up to max_regenerations")
    func regenerate() {
        let failed = Attempt(verdict: .fail, reasons: [.faceInBackView])
        let first = policy.decide(stage: .back, attempts: [failed], budgetAllowsAnother: true)
        guard case .regenerate(let offset, let addendum) = first else {
            Issue.record("\(first)")
            return
        }
        #expect(offset == 1)
        #expect(addendum.contains("the previous image showed a face; show only the back of the head".capitalizedFirst))
        let second = policy.decide(stage: .back, attempts: [failed, failed], budgetAllowsAnother: true)
        #expect(second == .regenerate(seedOffset: 2, promptAddendum: addendum))
        // Two regenerations made (three attempts): the limit, whatever the budget.
        #expect(
            policy.decide(stage: .back, attempts: [failed, failed, failed], budgetAllowsAnother: true) == .giveUp(keep: 0, reason: nil))
        #expect(
            RegenerationPolicy(maxRegenerations: 0).decide(stage: .back, attempts: [failed], budgetAllowsAnother: true)
                == .giveUp(keep: 0, reason: nil))
    }

    @Test("no budget for one more call: give up with qa_budget_exhausted, keeping the best attempt")
    func budget() {
        let attempts = [Attempt(verdict: .fail, judgeScore: 1), Attempt(verdict: .fail, judgeScore: 2)]
        #expect(policy.decide(stage: .front, attempts: attempts, budgetAllowsAnother: false) == .giveUp(keep: 1, reason: .budgetExhausted))
        let single = policy.decide(stage: .front, attempts: [attempts[0]], budgetAllowsAnother: false)
        #expect(single == .giveUp(keep: 0, reason: .budgetExhausted))
        // A pass needs no budget.
        #expect(policy.decide(stage: .front, attempts: [Attempt(verdict: .pass)], budgetAllowsAnother: false) == .accept)
    }

    @Test("the best attempt ranks by verdict, then judge score, then identity distance, then the earliest")
    func best() {
        #expect(RegenerationPolicy.bestAttempt([Attempt(verdict: .fail), Attempt(verdict: .warn), Attempt(verdict: .pass)]) == 2)
        #expect(RegenerationPolicy.bestAttempt([Attempt(verdict: .skipped), Attempt(verdict: .warn)]) == 1)
        #expect(RegenerationPolicy.bestAttempt([Attempt(verdict: .fail, judgeScore: nil), Attempt(verdict: .fail, judgeScore: 0)]) == 1)
        #expect(
            RegenerationPolicy.bestAttempt([
                Attempt(verdict: .fail, judgeScore: 2, identityDistance: 0.7),
                Attempt(verdict: .fail, judgeScore: 2, identityDistance: 0.62),
                Attempt(verdict: .fail, judgeScore: 2, identityDistance: nil),
            ]) == 1)
        #expect(RegenerationPolicy.bestAttempt([Attempt(verdict: .fail), Attempt(verdict: .fail)]) == 0)
    }

    @Test("every reason a new image can fix has an addendum; the others none", arguments: QAReasonTests.all.map(\.0))
    func addenda(reason: QAReason) {
        let text = RegenerationPolicy.addendum(for: reason, stage: .side)
        if reason == .judgeUnavailable || reason == .budgetExhausted {
            #expect(text == nil)
        } else {
            #expect(text?.hasPrefix("The previous") == true)
        }
    }

    @Test("addenda name the file and the view, and repeat no sentence")
    func addendumText() {
        let text = RegenerationPolicy.promptAddendum(
            for: [.mirrorOf("front.png"), .identityDistance, .judgeIdentity, .judgeView], stage: .side)
        #expect(text.contains("front.png flipped left-right"))
        #expect(text.contains(ViewExpectation.of(.side).spec))
        #expect(text.components(separatedBy: "looked like a different person").count == 2)
        #expect(RegenerationPolicy.promptAddendum(for: [], stage: .back).isEmpty)
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
