import RefkitCore
import Testing

@testable import RefkitQA

@Suite("ViewExpectation")
struct ViewExpectationTests {
    typealias Faces = ViewExpectation.Faces

    static let cases: [(Stage, Faces, ViewExpectation.IdentityTest?, Set<ObservedView>?)] = [
        (.avatar, .frontal(strict: true), .frontal, [.front]),
        (.candidate(2), .frontal(strict: true), .frontal, [.front]),
        (.referenceAvatar, .frontal(strict: true), .frontal, [.front]),
        (.expression("smile"), .frontal(strict: true), .frontal, [.front]),
        (.front, .frontal(strict: false), .frontal, [.front]),
        (.halfBody, .frontal(strict: false), .frontal, [.front]),
        (.fullBody, .frontal(strict: false), .frontal, [.front]),
        (.profile, .turned, .threeQuarter, [.threeQuarterLeft, .threeQuarterRight]),
        (.side, .noFrontal, nil, [.profileLeft, .profileRight]),
        (.back, .none, nil, [.back]),
        (.swap("party"), .turned, .threeQuarter, nil),
        (.scene("beach"), .any, nil, nil),
        (.character("mira"), .any, nil, nil),
        // Issue 17, item 2: a made image is any view the prompt asks, its face compared with the looser band.
        (.image(id: "red-dress", n: 2), .turned, .threeQuarter, nil),
    ]

    @Test("each stage's faces, identity band and allowed views (nil: any view)", arguments: cases)
    func expectation(stage: Stage, faces: Faces, band: ViewExpectation.IdentityTest?, views: Set<ObservedView>?) {
        let expected = ViewExpectation.of(stage)
        #expect(expected.faces == faces)
        #expect(expected.identity == band)
        #expect(expected.allowedViews == (views ?? Set(ObservedView.allCases)))
        #expect(expected.spec.hasPrefix("view="))
    }

    @Test("specs name the framing and, for expressions, the expression")
    func specs() {
        #expect(ViewExpectation.of(.side).spec == "view=side (profile facing left or right), framing=full body")
        #expect(ViewExpectation.of(.expression("very_happy")).spec.hasSuffix("expression=very happy"))
        #expect(ViewExpectation.of(.scene("night_market")).spec.contains("night market"))
    }
}

@Suite("IdentityMode")
struct IdentityModeTests {
    @Test("photoreal only when the locked reference's best face scores at least 1.0")
    func decide() {
        let t = QAThresholds()
        #expect(IdentityMode.of(lockedReferenceFaces: [Facts.frontal(score: 1.0)], thresholds: t) == .photoreal)
        #expect(IdentityMode.of(lockedReferenceFaces: [Facts.frontal(score: 0.6), Facts.turned(score: 1.4)], thresholds: t) == .photoreal)
        guard case .stylized(let weak) = IdentityMode.of(lockedReferenceFaces: [Facts.frontal(score: 0.99)], thresholds: t) else {
            Issue.record("a 0.99 face is not photographic")
            return
        }
        #expect(weak.contains("0.99"))
        #expect(IdentityMode.of(lockedReferenceFaces: [], thresholds: t) == .stylized(reason: "no face was found on the locked reference"))
        #expect(IdentityMode.of(lockedReferenceFaces: nil, thresholds: t).name == "stylized")
        #expect(IdentityMode.photoreal.name == "photoreal")
    }

    @Test("a face is frontal by its filter and, when fitted, its nose offset")
    func frontal() {
        let t = QAThresholds()
        #expect(FaceObservation(score: 1, pose: .frontal).isFrontal(t))
        #expect(FaceObservation(score: 1, pose: .rotated, noseOffsetRatio: 0.05).isFrontal(t))
        #expect(FaceObservation(score: 1, pose: .frontal, noseOffsetRatio: -0.119).isFrontal(t))
        #expect(!FaceObservation(score: 1, pose: .frontal, noseOffsetRatio: 0.12).isFrontal(t))
        #expect(!FaceObservation(score: 1, pose: .turned, noseOffsetRatio: 0.0).isFrontal(t))
    }
}
