@testable import RefkitDaemon
import RefkitCore
import Testing

@Suite("Final kit status")
struct FinalStatusTests {
    func stage(_ name: String, _ status: StageStatus) -> (stage: String, status: StageStatus) { (name, status) }

    @Test func kitWithSource() {
        #expect(KitPublisher.finalStatus(stages: [stage("avatar", .done), stage("side", .done)], textOnly: false, minShare: 0.5) == .complete)
        #expect(KitPublisher.finalStatus(stages: [stage("avatar", .done), stage("side", .failed)], textOnly: false, minShare: 0.5) == .partial)
        #expect(KitPublisher.finalStatus(stages: [stage("avatar", .failed), stage("side", .skipped)], textOnly: false, minShare: 0.5) == .failed)
    }

    @Test func textOnlyPlanRule() {
        let ok = [stage("character:a", .done), stage("character:b", .failed), stage("scene:x", .done), stage("scene:y", .failed)]
        #expect(KitPublisher.finalStatus(stages: ok, textOnly: true, minShare: 0.5) == .partial)
        let noScene = [stage("character:a", .done), stage("character:b", .done), stage("scene:x", .failed)]
        #expect(KitPublisher.finalStatus(stages: noScene, textOnly: true, minShare: 0.5) == .failed, "needs one scene")
        let tooFew = [stage("character:a", .done), stage("character:b", .failed), stage("character:c", .failed), stage("scene:x", .done), stage("scene:y", .failed)]
        #expect(KitPublisher.finalStatus(stages: tooFew, textOnly: true, minShare: 0.5) == .failed, "2 of 5 is under half")
        #expect(KitPublisher.finalStatus(stages: tooFew, textOnly: true, minShare: 0.4) == .partial, "the share is configurable")
        #expect(KitPublisher.finalStatus(stages: [stage("character:a", .done)], textOnly: true, minShare: 0.5) == .complete)
    }
}
