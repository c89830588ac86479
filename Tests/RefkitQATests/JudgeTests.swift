import RefkitCore
import Testing

@testable import RefkitQA

/// A rubric answer as a model writes it, and variants of it.
enum RubricText {
    static let valid = """
        {"image_ok": true, "contains_text": false, "identity_evidence": ["hair colour and length match"], \
        "identity_differences": [], "same_character": "yes", "identity_score": 3, "observed_view": "profile_left", \
        "face_visible": false, "is_mirror_of_reference": false, "back_is_true_rotation": null, "outfit_matches": 3, \
        "expression": null}
        """

    /// `valid` with one member's value text replaced (or the member removed when `value` is nil).
    static func with(_ key: String, _ value: String?) -> String {
        let pattern = "\"\(key)\": "
        let start = valid.range(of: pattern)!
        let rest = valid[start.upperBound...]
        var depth = 0
        var end = rest.startIndex
        for index in rest.indices {
            let c = rest[index]
            if c == "[" { depth += 1 }
            if c == "]" { depth -= 1 }
            if depth == 0, c == "," || c == "}" {
                end = index
                break
            }
        }
        guard let value else {
            let tail = rest[end...].hasPrefix(",") ? rest.index(after: end) : end
            return String(valid[..<start.lowerBound]) + String(rest[tail...]).trimmingWhitespace
        }
        return String(valid[..<start.upperBound]) + value + String(rest[end...])
    }
}

@Suite("JudgeAnswer parsing")
struct JudgeAnswerParsingTests {
    @Test("a well-formed answer parses, whitespace around it allowed")
    func valid() throws {
        let answer = try JudgeAnswer.parse("\n  " + RubricText.valid + "\n")
        #expect(answer.sameCharacter == .yes && answer.identityScore == 3 && answer.observedView == .profileLeft)
        #expect(answer.identityEvidence == ["hair colour and length match"] && answer.identityDifferences.isEmpty)
        #expect(answer.backIsTrueRotation == nil && answer.expression == nil && !answer.faceVisible)
        #expect(try JudgeAnswer.parse(RubricText.with("back_is_true_rotation", "true")).backIsTrueRotation == true)
        #expect(try JudgeAnswer.parse(RubricText.with("expression", "\"smiling\"")).expression == "smiling")
    }

    @Test(
        "malformed answers fail with a specific error",
        arguments: [
            ("Sure! " + RubricText.valid, JudgeAnswerError.proseAroundJSON(excerpt: String(("Sure! " + RubricText.valid).prefix(80)))),
            ("```json\n" + RubricText.valid + "\n```", .proseAroundJSON(excerpt: "```json\n" + String(RubricText.valid.prefix(72)))),
            (RubricText.valid + "\nThe candidate matches.", .proseAroundJSON(excerpt: String(RubricText.valid.prefix(80)))),
            ("I cannot help with that.", .notJSON("I cannot help with that.")),
            ("[1, 2]", .notJSON("[1, 2]")),
            (
                RubricText.with("same_character", "\"maybe\""),
                .unknownValue(field: "same_character", value: "maybe", allowed: ["yes", "no", "unsure"])
            ),
            (
                RubricText.with("observed_view", "\"left\""),
                .unknownValue(field: "observed_view", value: "left", allowed: ObservedView.allCases.map(\.rawValue))
            ),
            (RubricText.with("identity_score", "\"3\""), .wrongType(field: "identity_score", expected: "integer", found: "string")),
            (RubricText.with("identity_score", "3.5"), .wrongType(field: "identity_score", expected: "integer", found: "number")),
            (RubricText.with("identity_score", "5"), .outOfRange(field: "identity_score", value: 5, range: 0...4)),
            (RubricText.with("outfit_matches", "-1"), .outOfRange(field: "outfit_matches", value: -1, range: 0...4)),
            (RubricText.with("image_ok", "\"true\""), .wrongType(field: "image_ok", expected: "boolean", found: "string")),
            (RubricText.with("face_visible", "null"), .wrongType(field: "face_visible", expected: "boolean", found: "null")),
            (
                RubricText.with("back_is_true_rotation", "\"no\""),
                .wrongType(field: "back_is_true_rotation", expected: "boolean or null", found: "string")
            ),
            (RubricText.with("identity_evidence", "\"hair\""), .wrongType(field: "identity_evidence", expected: "array", found: "string")),
            (
                RubricText.with("identity_evidence", "[1]"),
                .wrongType(field: "identity_evidence", expected: "array of strings", found: "array holding integer")
            ),
            (RubricText.with("expression", "3"), .wrongType(field: "expression", expected: "string or null", found: "integer")),
            (RubricText.with("identity_score", nil), .missingField("identity_score")),
            (RubricText.with("outfit_matches", nil), .missingField("outfit_matches")),
            (RubricText.with("expression", "null, \"verdict\": \"pass\""), .unexpectedField("verdict")),
        ])
    func malformed(text: String, error: JudgeAnswerError) {
        #expect(throws: error) { try JudgeAnswer.parse(text) }
    }

    @Test("broken JSON and duplicate keys are not an answer")
    func brokenJSON() {
        for text in ["{\"image_ok\": true,", "{\"image_ok\": true, \"image_ok\": false}"] {
            do {
                _ = try JudgeAnswer.parse(text)
                Issue.record("parsed: \(text)")
            } catch {
                guard case .notJSON = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(error.code == "judge_not_json")
            }
        }
    }

    @Test("errors name the field and the reason")
    func descriptions() {
        #expect(JudgeAnswerError.missingField("identity_score").description == "judge_missing_field: identity_score is missing")
        #expect(
            JudgeAnswerError.unknownValue(field: "same_character", value: "maybe", allowed: ["yes", "no"]).description
                == "judge_unknown_value: same_character is \"maybe\", not one of yes, no")
    }
}

@Suite("JudgeAnswer verdict")
struct JudgeVerdictTests {
    @Test(
        "the pass rule per view",
        arguments: [
            (Stage.front, Facts.answer(), QAVerdict.pass, QAReason?.none),
            (.side, Facts.answer(view: .profileRight, face: true), .pass, nil),
            (.profile, Facts.answer(view: .threeQuarterLeft), .pass, nil),
            (.back, Facts.answer(view: .back, face: false, rotation: true), .pass, nil),
            (.back, Facts.answer(view: .back, face: true, rotation: true), .fail, .judgeView),
            (.back, Facts.answer(view: .back, face: false, rotation: false), .fail, .judgeView),
            (.side, Facts.answer(view: .front), .fail, .judgeView),
            (.front, Facts.answer(mirror: true), .fail, .judgeView),
            (.front, Facts.answer(same: .no, score: 1), .fail, .judgeIdentity),
            (.front, Facts.answer(score: 2), .fail, .judgeIdentity),
            (.front, Facts.answer(score: 3), .pass, nil),
            (.front, Facts.answer(same: .unsure, score: 3), .warn, .judgeIdentity),
            (.front, Facts.answer(same: .unsure, score: 2), .fail, .judgeIdentity),
            (.front, Facts.answer(same: .no, imageOk: false), .fail, .judgeImage),
            (.front, Facts.answer(text: true), .fail, .judgeImage),
            (.scene("cafe"), Facts.answer(view: .other, text: true), .pass, nil),
            (.expression("smile"), Facts.answer(view: .threeQuarterLeft, same: .unsure), .fail, .judgeView),
        ])
    func rule(stage: Stage, answer: JudgeAnswer, verdict: QAVerdict, reason: QAReason?) {
        let check = answer.verdict(for: stage)
        #expect(check.check == .judge)
        #expect(check.verdict == verdict)
        #expect(check.reason == reason)
        #expect(check.score == Double(answer.identityScore) && check.threshold == 3)
    }

    @Test("the detail names what was seen and every problem")
    func detail() {
        let check = Facts.answer(view: .front, same: .no, score: 0).verdict(for: .back)
        #expect(check.detail.hasPrefix("same_character no, identity 0/4, view front, face visible"))
        #expect(check.detail.contains("a face is visible on the back view") && check.detail.contains("not the same character"))
        #expect(check.reason == .judgeView)
    }

    @Test("an unavailable judge warns with judge_unavailable, never passes")
    func unavailable() {
        let check = JudgeOutcome.unavailable("timed out after 30 s").result(for: .front)
        #expect(check.verdict == .warn && check.reason == .judgeUnavailable && check.check == .judge)
        #expect(check.detail.contains("timed out after 30 s"))
        #expect(JudgeOutcome.answered(Facts.answer()).result(for: .front).verdict == .pass)
    }

    @Test("unsure, or a disagreement with the local identity test, asks once more; the stricter answer is kept")
    func secondAsk() {
        func identity(_ verdict: QAVerdict) -> [QACheckResult] { [QACheckResult(check: .identity, verdict: verdict, detail: "")] }
        #expect(StageVerdict.shouldAskAgain(local: [], answer: Facts.answer(same: .unsure)))
        #expect(!StageVerdict.shouldAskAgain(local: identity(.pass), answer: Facts.answer()))
        #expect(StageVerdict.shouldAskAgain(local: identity(.pass), answer: Facts.answer(same: .no, score: 1)))
        #expect(StageVerdict.shouldAskAgain(local: identity(.fail), answer: Facts.answer()))
        #expect(!StageVerdict.shouldAskAgain(local: identity(.warn), answer: Facts.answer(same: .no, score: 1)))
        #expect(!StageVerdict.shouldAskAgain(local: identity(.skipped), answer: Facts.answer(same: .no, score: 1)))
        let pass = Facts.answer().verdict(for: .front)
        let warn = Facts.answer(same: .unsure).verdict(for: .front)
        #expect(StageVerdict.stricter(pass, warn) == warn && StageVerdict.stricter(warn, pass) == warn)
    }
}

@Suite("JudgeRubric")
struct JudgeRubricTests {
    @Test("the user text carries the view spec, every rubric key and the score anchors")
    func userText() {
        let text = JudgeRubric.userText(for: .side)
        #expect(text.contains(ViewExpectation.of(.side).spec))
        for field in JudgeAnswer.Field.allCases { #expect(text.contains(field.rawValue)) }
        #expect(text.contains("4 = clearly the same character") && text.contains("0 = unrelated"))
        #expect(text.contains("back_is_true_rotation: null"))
        #expect(JudgeRubric.userText(for: .back).contains("back of the head"))
        #expect(JudgeRubric.userText(for: .expression("very_happy")).contains("asked for: very happy"))
        #expect(JudgeRubric.system.hasSuffix("Be strict."))
        #expect(text.contains("The first image is the locked reference"))
        #expect(JudgeRubric.userText(for: .side, candidateFirst: true).contains("The first image is the candidate"))
    }
}
