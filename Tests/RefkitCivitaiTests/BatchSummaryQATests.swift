import Foundation
import RefkitCivitai
import RefkitCore
import RefkitQA
import Testing

@testable import RefkitStore

/// The batch summary adds QA's counts: references per verdict and regenerations, from the kits'
/// stored QA records; all values, no database.
@Suite("QA counts in the Civitai batch summary")
struct BatchSummaryQATests {
    static let stamp = "2026-12-07T02:00:00.000Z"
    static let batch = CivitaiBatchRecord(
        id: 7, inbox: "/srv/inbox", requested: 3, written: 3, startedAt: stamp, fetchedAt: "2026-12-07T02:01:00.000Z")

    static func stage(_ stage: Stage, _ verdict: QAVerdict?, attempts: Int = 1, status: StageStatus = .done) -> StageRecord {
        StageRecord(
            id: 1, kitID: "k", stage: stage, status: status, attempts: 1, costUSD: 0.01, durationMs: 10, updatedAt: stamp,
            qa: verdict.map { QAStageRecord(verdict: $0, attempts: attempts, checks: []) })
    }

    static func image(_ id: Int64, _ stages: [StageRecord]) -> CivitaiBatchImage {
        CivitaiBatchImage(
            imageID: id, sha256: "\(id)", kit: "civitai-\(id)", fileName: "\(id).jpeg", writtenAt: stamp, kitID: "kit\(id)",
            kitStatus: .complete, kitUpdatedAt: "2026-12-07T02:30:00.000Z", stages: stages)
    }

    @Test("references are counted per verdict, regenerations summed, each kit has its worst verdict")
    func counts() throws {
        let images = [
            Self.image(1, [Self.stage(.avatar, .pass), Self.stage(.side, .fail, attempts: 3), Self.stage(.front, .warn, attempts: 2)]),
            Self.image(2, [Self.stage(.avatar, .pass), Self.stage(.side, .pass), Self.stage(.back, .skipped)]),
            // A candidate is not a reference; a stage QA never saw counts nowhere.
            Self.image(3, [Self.stage(.avatar, nil), Self.stage(.candidate(1), .fail, attempts: 2), Self.stage(.side, nil)]),
        ]
        let summary = try #require(BatchSummary.make(batch: Self.batch, images: images, now: Date()))
        let qa = try #require(summary.qa)
        #expect(qa.counts == [.pass: 3, .warn: 1, .fail: 1, .skipped: 1])
        #expect(qa.regenerations == 3)
        #expect(summary.kits.map(\.qaVerdict) == [.fail, .pass, nil])
        #expect(summary.json["qa"]?["counts"]?["fail"] == .number(1, isInteger: true))
        #expect(summary.json["qa"]?["regenerations"] == .number(3, isInteger: true))
        #expect(summary.json["kits"]?.arrayValue?.first?["qa_verdict"] == .string("fail"))
        #expect(summary.line.contains("; QA 3 pass, 1 warn, 1 fail, 1 skipped; 3 regenerations"), "\(summary.line)")
        #expect(BatchQA(json: summary.json["qa"]) == qa, "the stored document reads back")
    }

    @Test("with QA off the summary says null and its line is the one before QA")
    func qaOff() throws {
        let images = [Self.image(1, [Self.stage(.avatar, nil), Self.stage(.side, nil)])]
        let summary = try #require(BatchSummary.make(batch: Self.batch, images: images, now: Date()))
        #expect(summary.qa == nil && summary.json["qa"] == .null)
        #expect(!summary.line.contains("QA"), "\(summary.line)")
        // A summary stored before QA existed has no "qa" key and still prints.
        guard case .object(let members) = summary.json else {
            Issue.record("not an object")
            return
        }
        let old = JSONValue.object(members.filter { $0.key != "qa" })
        #expect(BatchSummary.line(old) == summary.line)
    }
}

extension JSONValue {
    fileprivate var arrayValue: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
}
