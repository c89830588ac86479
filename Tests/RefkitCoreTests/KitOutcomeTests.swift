import RefkitCore
import Testing

@Suite("Final kit status")
struct FinalStatusTests {
    func stage(_ name: String, _ status: StageStatus) -> KitOutcome.StageEnd { KitOutcome.StageEnd(Stage(name: name)!, status) }

    func finalStatus(stages: [KitOutcome.StageEnd], textOnly: Bool, minShare: Double) -> KitStatus {
        KitOutcome(stages: stages, textOnly: textOnly, minShare: minShare).status
    }

    @Test func kitWithSource() {
        #expect(finalStatus(stages: [stage("avatar", .done), stage("side", .done)], textOnly: false, minShare: 0.5) == .complete)
        #expect(finalStatus(stages: [stage("avatar", .done), stage("side", .failed)], textOnly: false, minShare: 0.5) == .partial)
        #expect(finalStatus(stages: [stage("avatar", .failed), stage("side", .skipped)], textOnly: false, minShare: 0.5) == .failed)
    }

    @Test func textOnlyPlanRule() {
        let ok = [stage("character:a", .done), stage("character:b", .failed), stage("scene:x", .done), stage("scene:y", .failed)]
        #expect(finalStatus(stages: ok, textOnly: true, minShare: 0.5) == .partial)
        let noScene = [stage("character:a", .done), stage("character:b", .done), stage("scene:x", .failed)]
        #expect(finalStatus(stages: noScene, textOnly: true, minShare: 0.5) == .failed, "needs one scene")
        let tooFew = [
            stage("character:a", .done), stage("character:b", .failed), stage("character:c", .failed), stage("scene:x", .done),
            stage("scene:y", .failed),
        ]
        #expect(finalStatus(stages: tooFew, textOnly: true, minShare: 0.5) == .failed, "2 of 5 is under half")
        #expect(finalStatus(stages: tooFew, textOnly: true, minShare: 0.4) == .partial, "the share is configurable")
        #expect(finalStatus(stages: [stage("character:a", .done)], textOnly: true, minShare: 0.5) == .complete)
    }

    @Test func candidatesAreNotReferencesAndAFailedAvatarGivesTheKitsFailure() {
        let outcome = KitOutcome(
            stages: [
                stage("candidate:1", .done), stage("candidate:2", .failed),
                KitOutcome.StageEnd(.avatar, .failed, errorCode: "candidates_all_failed", errorMessage: "no avatar candidate was made"),
                stage("front", .skipped),
            ], textOnly: false, minShare: 0.5)
        #expect(outcome.status == .failed)
        #expect(outcome.errorCode == "candidates_all_failed")
        #expect(outcome.errorMessage == "no avatar candidate was made")
        #expect(outcome.referencesDone == 0 && outcome.referencesPlanned == 2)
        let partial = KitOutcome(stages: [stage("avatar", .done), stage("side", .failed)], textOnly: false, minShare: 0.5)
        #expect(partial.errorCode == nil && partial.referencesDone == 1 && partial.referencesPlanned == 2)
        let textOnly = KitOutcome(stages: [stage("character:a", .failed)], textOnly: true, minShare: 0.5)
        #expect(textOnly.errorCode == "kit_failed" && textOnly.errorMessage == "too few references were made")
    }
}
