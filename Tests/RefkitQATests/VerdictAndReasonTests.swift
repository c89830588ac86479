import Foundation
import RefkitCore
import Testing

@testable import RefkitQA

@Suite("QAVerdict")
struct QAVerdictTests {
    @Test("worst of is the most severe; skipped never lowers a pass; nothing is skipped")
    func worstOf() {
        #expect(QAVerdict.worst(of: [.pass, .skipped, .pass]) == .pass)
        #expect(QAVerdict.worst(of: [.pass, .warn, .skipped]) == .warn)
        #expect(QAVerdict.worst(of: [.warn, .fail, .pass]) == .fail)
        #expect(QAVerdict.worst(of: [.skipped, .skipped]) == .skipped)
        #expect(QAVerdict.worst(of: []) == .skipped)
        #expect(QAVerdict.allCases.sorted() == [.skipped, .pass, .warn, .fail])
    }

    @Test("only a failed reference holds its kit back from complete")
    func complete() {
        #expect(QAVerdict.allCases.filter(\.allowsComplete) == [.skipped, .pass, .warn])
    }
}

@Suite("QAReason")
struct QAReasonTests {
    static let all: [(QAReason, String)] = [
        (.blank, "blank"), (.tiny, "tiny"), (.noImage, "no_image"), (.duplicateOf("front.png"), "duplicate_of:front.png"),
        (.mirrorOf("expressions/smile.png"), "mirror_of:expressions/smile.png"), (.faceInBackView, "face_in_back_view"),
        (.frontalInSideView, "frontal_in_side_view"), (.noFace, "no_face"), (.notFrontal, "not_frontal"),
        (.identityDistance, "identity_distance"), (.judgeIdentity, "judge_identity"), (.judgeView, "judge_view"),
        (.judgeImage, "judge_image"), (.judgeUnavailable, "judge_unavailable"), (.budgetExhausted, "qa_budget_exhausted"),
    ]

    @Test("every reason has its stable code and parses back from it", arguments: all)
    func code(reason: QAReason, code: String) throws {
        #expect(reason.code == code)
        #expect(QAReason(code: code) == reason)
        let json = try JSONEncoder().encode([reason])
        #expect(try JSONDecoder().decode([String].self, from: json) == [code])
        #expect(try JSONDecoder().decode([QAReason].self, from: json) == [reason])
    }

    @Test("codes that are not reasons do not parse", arguments: ["", "BLANK", "duplicate_of:", "mirror_of", "budget_exhausted", "x"])
    func notCodes(code: String) {
        #expect(QAReason(code: code) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([QAReason].self, from: Data("[\"\(code)\"]".utf8)) }
    }
}

@Suite("QAThresholds")
struct QAThresholdsTests {
    @Test("defaults are the research's")
    func defaults() {
        let t = QAThresholds()
        #expect(t.identityFrontal == .init(pass: 0.50, fail: 0.60))
        #expect(t.identityThreeQuarter == .init(pass: 0.55, fail: 0.65))
        #expect((t.duplicatePhash, t.duplicateDhash, t.mirrorFlippedPhash, t.mirrorPlainPhashAbove) == (6, 8, 6, 12))
        #expect((t.blankStddev, t.faceScore, t.photorealFaceScore, t.judgeIdentityScore) == (2, 0.5, 1.0, 3))
    }

    @Test(
        "an identity band passes at its pass edge, warns up to and at its fail edge, fails beyond",
        arguments: [
            (0.0, QAVerdict.pass), (0.50, .pass), (0.5000001, .warn), (0.55, .warn), (0.60, .warn), (0.6000001, .fail), (1.2, .fail),
        ])
    func frontalBand(distance: Double, verdict: QAVerdict) {
        #expect(QAThresholds().identityFrontal.verdict(distance) == verdict)
    }

    @Test("the 3/4 band is looser", arguments: [(0.55, QAVerdict.pass), (0.56, .warn), (0.65, .warn), (0.66, .fail)])
    func threeQuarterBand(distance: Double, verdict: QAVerdict) {
        #expect(QAThresholds().identityThreeQuarter.verdict(distance) == verdict)
    }
}
