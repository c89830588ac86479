import Foundation
import RefkitCore
import RefkitStore
import RefkitTestSupport
import Testing

/// Follow-up scenes on a text-only kit (no avatar): each waits for the characters it shows, and one
/// showing a character whose reference failed is refused (it could never run; the kit would wait forever).
@Suite("Intake: follow-up scenes of a text-only kit", .timeLimit(.minutes(1)))
struct TextOnlyFollowUpTests {
    @Test func aNewSceneWaitsForItsCharactersAndOneShowingAFailedCharacterIsRefused() async throws {
        let harness = try ProviderCheckTests.harness()
        try await harness.start()
        let crew = Array(#"{"characters": [{"name": "captain"}, {"name": "engineer"}], "scenes": []}"#.utf8)
        try FileFixtures.write(crew, to: "\(harness.inbox)/crew.json")
        try await harness.waitUntil("crew queued") { try harness.count("SELECT count(*) FROM stages") == 2 }
        let kit = try #require(try harness.database.kit("crew"))
        #expect(kit.textOnly)
        let engineer = try #require(try harness.database.stages(kitID: kit.id).first { $0.stage == .character("engineer") })
        try harness.database.failStage(
            id: engineer.id, kitID: kit.id, stage: engineer.stage, code: "provider_failed", message: "a test failure", durationMs: 1,
            failsKit: false)

        let bridge = Array(#"{"kit": "crew", "scenes": [{"id": "bridge", "characters": ["captain"]}, {"id": "deck"}]}"#.utf8)
        let mess = Array(#"{"kit": "crew", "scenes": [{"id": "mess", "characters": ["captain", "engineer"]}]}"#.utf8)
        try FileFixtures.write(bridge, to: "\(harness.inbox)/bridge.json")
        try FileFixtures.write(mess, to: "\(harness.inbox)/mess.json")
        try await harness.waitUntil("both follow-ups judged") { harness.inboxIsEmpty }
        try await harness.stop()

        let stages = Dictionary(uniqueKeysWithValues: try harness.database.stages(kitID: kit.id).map { ($0.stage, $0) })
        #expect(stages[.scene("bridge")]?.dependsOn == .stage(.character("captain")), "it waits for the captain, still to be made")
        #expect(stages[.scene("deck")]?.dependsOn == .stage(.character("captain")), "naming none: the kit's first character")
        #expect(stages[.scene("mess")] == nil)
        try IntakeExpectations.rejected("mess.json", code: "order_character_failed", kind: .regular, bytes: mess, in: harness.rejected)
        let detail = try ProviderCheckTests.detail("mess.json", in: harness)
        #expect(detail.contains("refkit retry crew"), "\(detail)")
    }
}
