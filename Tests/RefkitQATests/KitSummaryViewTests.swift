import RefkitCore
import Testing

@testable import RefkitQA

/// The kit summary as reports read it: made from the checked records (identity mode included),
/// one line for people, and back from the manifest's `qa` object.
@Suite("QA kit summary for reports")
struct KitSummaryViewTests {
    static func record(_ verdict: QAVerdict, attempts: Int = 1, identity: QAVerdict? = nil) -> QAStageRecord {
        QAStageRecord(
            verdict: verdict, attempts: attempts,
            checks: identity.map { [QACheckResult(check: .identity, verdict: $0, detail: "d")] } ?? [])
    }

    @Test("no checked record is no summary; identity measured anywhere is photoreal, skipped everywhere stylized")
    func fromRecords() throws {
        #expect(QAKitSummary(checked: [], spendUSD: 0) == nil)
        let photoreal = try #require(
            QAKitSummary(
                checked: [Self.record(.pass, identity: .skipped), Self.record(.fail, attempts: 3, identity: .fail)], spendUSD: 0.002))
        #expect(photoreal.identityMode == "photoreal")
        #expect(photoreal.counts[.fail] == 1 && photoreal.counts[.pass] == 1 && photoreal.regenerations == 2)
        let stylized = try #require(QAKitSummary(checked: [Self.record(.pass, identity: .skipped)], spendUSD: 0))
        #expect(stylized.identityMode == "stylized")
        #expect(QAKitSummary(checked: [Self.record(.pass)], spendUSD: 0)?.identityMode == nil, "no identity check, no mode")
    }

    @Test("the line counts every verdict, the regenerations, and the spend only when there was any")
    func line() {
        let summary = QAKitSummary(counts: [.pass: 3, .warn: 1, .fail: 1], regenerations: 1, spendUSD: 0)
        #expect(summary.line == "3 pass, 1 warn, 1 fail, 0 skipped; 1 regeneration")
        let paid = QAKitSummary(counts: [.pass: 2], regenerations: 0, spendUSD: 0.0042)
        #expect(paid.line == "2 pass, 0 warn, 0 fail, 0 skipped; 0 regenerations; QA spend $0.004")
    }

    @Test("the manifest's qa object reads back; anything else is nil")
    func fromJSON() throws {
        let summary = QAKitSummary(
            counts: [.pass: 2, .warn: 0, .fail: 1, .skipped: 1], regenerations: 2, spendUSD: 0.01, identityMode: "stylized")
        #expect(QAKitSummary(json: summary.jsonValue) == summary)
        #expect(QAKitSummary(json: .null) == nil)
        #expect(QAKitSummary(json: try JSONValue.parse(#"{"counts": {"great": 1}, "regenerations": 0}"#)) == nil)
        #expect(QAKitSummary(json: try JSONValue.parse(#"{"counts": {"pass": 1}}"#)) == nil)
    }
}
