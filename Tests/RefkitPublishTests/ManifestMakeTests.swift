import RefkitCore
import RefkitPublish
import Testing

/// The manifest assembled from a kit's report alone: no store, no files.
@Suite("Manifest from a kit report")
struct ManifestMakeTests {
    func entry(_ stage: Stage, _ status: StageStatus, file: String? = nil, cost: Double = 0, ms: Int = 0) -> KitReport.StageEntry {
        var entry = KitReport.StageEntry(stage: stage, status: status, attempts: 1, durationMs: ms, costUSD: cost)
        entry.file = file
        entry.sha256 = "s-\(stage.name)"
        entry.mime = "image/png"
        return entry
    }

    func report(_ stages: [KitReport.StageEntry], history: [KitReport.EarlierResult] = [], lockedHow: String? = nil) -> KitReport {
        KitReport(id: "k1", name: "mira", createdAt: "t0", referenceGeneration: 0, lockedHow: lockedHow, stages: stages, history: history)
    }

    func make(_ report: KitReport, source: ManifestSource? = nil) -> ManifestDocument {
        ManifestDocument.make(
            report: report, status: .partial, character: ManifestCharacter(), source: source, updatedAt: "t1", refkitVersion: "9.9")
    }

    @Test func candidatesAreListedApartAndTheDoneAvatarIsTheLockedReference() {
        let manifest = make(
            report([
                entry(.candidate(1), .done, file: "candidates/1.png"), entry(.avatar, .done, file: "avatar.png"), entry(.side, .failed),
            ]))
        #expect(manifest.candidates.map(\.stage) == ["candidate:1"])
        #expect(manifest.stages.map(\.stage) == ["avatar", "side"])
        #expect(manifest.lockedReference == LockedReference(file: "avatar.png", how: "auto: the only avatar candidate", generation: 1))
        #expect(manifest.conditioning == "locked reference avatar.png")
        #expect(manifest.stages[1].sha256 == nil && manifest.stages[1].mime == nil, "a stage without a file shows no file facts")
        #expect(manifest.refkitVersion == "9.9" && manifest.updatedAt == "t1" && manifest.kit == "mira")
    }

    @Test func totalsCountReplacedResultsAndHistoryFollowsItsStage() {
        let earlier = KitReport.EarlierResult(
            stage: .side, generation: 0, status: .done, attempts: 2, costUSD: 0.5, endedAt: "e", replacedAt: "r")
        var side = entry(.side, .done, file: "side.png", cost: 0.25, ms: 30)
        side.previousFile = "side.prev.png"
        side.previousSHA256 = "old"
        let manifest = make(report([entry(.avatar, .done, file: "avatar.png", cost: 1, ms: 10), side], history: [earlier]))
        #expect(manifest.totals == ManifestTotals(costUSD: 1.75, durationMs: 40))
        #expect(manifest.stages[1].history.map(\.generation) == [0])
        #expect(manifest.stages[0].history.isEmpty)
        #expect(manifest.stages[1].previous == ManifestImage.Previous(file: "side.prev.png", sha256: "old"))
    }

    @Test func conditioningSaysWhatTheStagesAreMadeFrom() {
        let source = ManifestSource(originalName: "mira.jpg", width: 10, height: 10)
        #expect(make(report([entry(.avatar, .failed)]), source: source).conditioning?.hasPrefix("source only") == true)
        #expect(
            make(report([entry(.avatar, .done, file: "avatar.png")]), source: source).conditioning
                == "source and locked reference avatar.png")
        #expect(make(report([entry(.character("a"), .done, file: "a.png")])).conditioning?.hasPrefix("text only") == true)
    }

    @Test func givenAttributesComeFirstAndAnalyzedOnesAreMarked() throws {
        let analysis = try JSONValue.parse(Array(#"{"attributes": {"age": "40", "hair": "red"}, "description": "a knight"}"#.utf8))
        let character = ManifestCharacter(given: Order.Character(name: "Mira", attributes: [("age", "30")]), analysis: analysis)
        #expect(character.name == "Mira" && character.description == "a knight")
        #expect(
            character.attributes == [
                ManifestAttribute(key: "age", value: "30", origin: .given), ManifestAttribute(key: "hair", value: "red", origin: .analyzed),
            ])
        #expect(ManifestCharacter(given: Order.Character(), analysis: nil) == ManifestCharacter())
    }
}
