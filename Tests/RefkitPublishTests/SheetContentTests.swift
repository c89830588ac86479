import RefkitCore
import RefkitImaging
import Testing

@testable import RefkitPublish

/// What the publisher puts on a kit's contact sheet, decided from the manifest alone.
@Suite("Contact sheet content from a manifest")
struct SheetContentTests {
    static func sheet(_ manifest: ManifestDocument) throws -> StudioSheetContent? {
        try manifest.sheetContent { (path) throws(RefkitError) in Array(path.utf8) }  // the path stands in for the bytes
    }

    @Test("the title band names the kit, the day, the status, how many are done and every provider and model once")
    func titleBand() throws {
        var manifest = try Fixture.kit(name: "Mira Vale").manifest
        manifest.stages[1].provider = "openai"
        manifest.stages[1].model = "gpt-image-1"
        let content = try #require(try Self.sheet(manifest))
        #expect(content.title == "Mira Vale")
        #expect(content.details == "2026-11-23 · partial · 5 of 6 references · preview preview-1 · openai gpt-image-1")
        manifest.status = .awaitingSelection
        #expect(manifest.sheetDetails.hasPrefix("2026-11-23 · awaiting selection · "))
    }

    @Test("a done stage brings its file and verdict; a failed one its error code, a pending one its status")
    func references() throws {
        var manifest = try Fixture.kit().manifest
        manifest.stages[2].qa = QANote(verdict: .fail, summary: "another person", json: .null)
        manifest.stages.append(ManifestImage(stage: "scene:dock", status: .pending))
        let content = try #require(try Self.sheet(manifest))
        #expect(content.source == Array("source.jpg".utf8))
        let byStage = Dictionary(uniqueKeysWithValues: content.references.map { ($0.stage, $0) })
        #expect(byStage[.front]?.image == Array("front.png".utf8) && byStage[.front]?.verdict == .fail)
        #expect(byStage[.avatar]?.verdict == nil)
        #expect(byStage[.expression("smile")]?.image == nil && byStage[.expression("smile")]?.note == "failed: safety_block")
        #expect(byStage[.scene("dock")]?.image == nil && byStage[.scene("dock")]?.note == "pending")
    }

    @Test("candidates only while the kit waits for a choice; no sheet before any picture is done")
    func candidatesAndEmptyKits() throws {
        var manifest = try Fixture.kit().manifest
        manifest.candidates = [ManifestImage(stage: "candidate:1", status: .done, file: "candidates/avatar-1.png")]
        #expect(try Self.sheet(manifest)?.references.contains { $0.stage.isCandidate } == false)
        manifest.status = .awaitingSelection
        #expect(try Self.sheet(manifest)?.references.filter { $0.stage.isCandidate }.map(\.stage) == [.candidate(1)])
        let empty = ManifestDocument(
            id: "k", kit: "k", status: .generating, createdAt: Fixture.stamp, updatedAt: Fixture.stamp, refkitVersion: "0",
            stages: [ManifestImage(stage: "front", status: .running)])
        #expect(try Self.sheet(empty) == nil)
    }
}
