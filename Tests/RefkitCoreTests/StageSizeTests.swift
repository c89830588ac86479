import RefkitCore
import Testing

@Suite("Stage sizes")
struct StageSizeTests {
    static func size(_ stage: Stage) -> [Int] { [stage.imageSize.width, stage.imageSize.height] }

    @Test("every avatar candidate is asked for at the avatar's square size")
    func candidatesAreAvatarSized() {
        for n in 1...Stage.maxCandidates {
            #expect(Self.size(.candidate(n)) == Self.size(.avatar))
        }
        #expect(Self.size(.avatar) == [1024, 1024], "a single avatar is square")
        #expect(Self.size(.fullBody) == [768, 1024])
        #expect(Self.size(.scene("beach")) == [1280, 960])
    }
}
