import Foundation
import RefkitCore
import Testing

@testable import RefkitQA

@Suite("QA manifest shapes")
struct QAManifestTests {
    static let record = QAStageRecord(
        verdict: .warn, attempts: 2,
        checks: [
            QACheckResult(check: .health, verdict: .pass, score: 38.2, threshold: 2, detail: "768x1024"),
            QACheckResult(check: .identity, verdict: .warn, score: 0.57, threshold: 0.5, detail: "distance", reason: .identityDistance),
            .skipped(.face, "stylized"),
        ],
        judge: QAJudgeRecord(model: "gemini-2.5-flash", costUSD: 0.0007, outcome: .answered(Facts.answer())))

    @Test("a stage's qa object has the issue's keys, in order, snake_case, with nulls written")
    func stageShape() {
        let json = Self.record.jsonValue.serialized
        #expect(json.hasPrefix("{\"verdict\":\"warn\",\"attempts\":2,\"checks\":[{\"check\":\"health\",\"verdict\":\"pass\""))
        #expect(json.contains(#"{"check":"face","verdict":"skipped","score":null,"threshold":null,"detail":"stylized","reason":null}"#))
        #expect(json.contains("\"reason\":\"identity_distance\""))
        #expect(json.contains("\"judge\":{\"model\":\"gemini-2.5-flash\",\"cost_usd\":0.0007,\"answer\":{\"image_ok\":true"))
        #expect(json.contains("\"back_is_true_rotation\":null"))
        #expect(json.hasSuffix("\"error\":null}}"))
        let none = QAStageRecord(verdict: .skipped, attempts: 1, checks: []).jsonValue.serialized
        #expect(none == "{\"verdict\":\"skipped\",\"attempts\":1,\"checks\":[],\"judge\":null}")
    }

    @Test("Codable writes what jsonValue says and reads it back")
    func roundTrip() throws {
        let encoded = try JSONEncoder().encode(Self.record)
        #expect(try JSONValue.parse([UInt8](encoded))["judge"]?["answer"]?["same_character"] == .string("yes"))
        #expect(try JSONDecoder().decode(QAStageRecord.self, from: encoded) == Self.record)
        let fromManifest = try JSONDecoder().decode(QAStageRecord.self, from: Data(Self.record.jsonValue.serialized.utf8))
        #expect(fromManifest == Self.record)
        let why = "judge_not_json: the answer is not a JSON object"
        let failed = QAJudgeRecord(model: "gpt-4.1-mini", costUSD: 0, outcome: .unavailable(why))
        #expect(try JSONDecoder().decode(QAJudgeRecord.self, from: JSONEncoder().encode(failed)) == failed)
        #expect(failed.jsonValue["answer"] == .null && failed.jsonValue["error"] != .null)
    }

    @Test("the kit summary counts every verdict, regenerations and spend")
    func kitSummary() throws {
        let stages = [
            QAStageRecord(verdict: .pass, attempts: 1, checks: []), QAStageRecord(verdict: .fail, attempts: 3, checks: []),
            QAStageRecord(verdict: .warn, attempts: 2, checks: []), QAStageRecord(verdict: .pass, attempts: 1, checks: []),
        ]
        let summary = QAKitSummary(stages: stages, spendUSD: 0.0042, identityMode: .stylized(reason: "anime"))
        #expect(summary.counts == [.pass: 2, .warn: 1, .fail: 1, .skipped: 0])
        #expect(summary.regenerations == 3 && summary.needsReview)
        #expect(
            summary.jsonValue.serialized == """
                {"counts":{"skipped":0,"pass":2,"warn":1,"fail":1},"regenerations":3,"spend_usd":0.0042,"identity_mode":"stylized"}
                """)
        #expect(try JSONDecoder().decode(QAKitSummary.self, from: JSONEncoder().encode(summary)) == summary)
        #expect(!QAKitSummary(stages: [], spendUSD: 0, identityMode: nil).needsReview)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(QAKitSummary.self, from: Data(#"{"counts":{"ok":1},"regenerations":0,"spend_usd":0}"#.utf8))
        }
    }
}
