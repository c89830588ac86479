import RefkitCore

@testable import RefkitQA

/// Plain facts for the decisions: hashes at chosen distances, health numbers, faces.
enum Facts {
    /// A hash `bits` bits away from `base` (the lowest bits flipped).
    static func away(_ base: UInt64, _ bits: Int) -> UInt64 {
        bits == 0 ? base : base ^ (bits >= 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1)
    }

    static let base = ImageFingerprint(
        phash: 0xF0F0_F0F0_0F0F_0F0F, dhash: 0x1234_5678_9ABC_DEF0,
        phashFlipped: 0x0FF0_0FF0_F00F_F00F, dhashFlipped: 0xFEDC_BA98_7654_3210)

    /// A fingerprint `phash` / `dhash` bits from `base` as it is, and far from its flip.
    static func near(phash: Int, dhash: Int) -> ImageFingerprint {
        ImageFingerprint(
            phash: away(base.phash, phash), dhash: away(base.dhash, dhash),
            phashFlipped: ~base.phashFlipped, dhashFlipped: ~base.dhashFlipped)
    }

    /// A fingerprint whose pHash is `flipped` bits from base's flip and `plain` bits from base.
    static func mirror(flipped: Int, plainAbove base: ImageFingerprint = base) -> ImageFingerprint {
        ImageFingerprint(
            phash: away(base.phashFlipped, flipped), dhash: base.dhashFlipped, phashFlipped: base.phash, dhashFlipped: base.dhash)
    }

    /// Far from `base` in every way.
    static let unrelated = ImageFingerprint(
        phash: ~base.phash, dhash: ~base.dhash, phashFlipped: ~base.phashFlipped ^ 0xFFFF, dhashFlipped: ~base.dhashFlipped)

    static func health(width: Int = 768, height: Int = 1024, deviations: [Double] = [40, 35, 30], mean: Double = 120) -> ImageHealth {
        ImageHealth(width: width, height: height, bandDeviations: deviations, bandMeans: deviations.map { _ in mean })
    }

    static func image(_ fingerprint: ImageFingerprint = unrelated, health: ImageHealth = health()) -> ImageFacts {
        ImageFacts(fingerprint: fingerprint, health: health)
    }

    static let others = [NamedFingerprint(file: "avatar.png", fingerprint: base)]

    static func frontal(score: Double = 1.5, distance: Double? = 0.3) -> FaceObservation {
        FaceObservation(score: score, pose: .frontal, noseOffsetRatio: 0.03, identityDistance: distance)
    }

    static func turned(score: Double = 1.2, distance: Double? = 0.4) -> FaceObservation {
        FaceObservation(score: score, pose: .turned, noseOffsetRatio: 0.25, identityDistance: distance)
    }

    /// A rubric answer that passes a front view.
    static func answer(
        view: ObservedView = .front, same: JudgeAnswer.SameCharacter = .yes, score: Int = 4, imageOk: Bool = true,
        text: Bool = false, face: Bool = true, mirror: Bool = false, rotation: Bool? = nil
    ) -> JudgeAnswer {
        JudgeAnswer(
            imageOk: imageOk, containsText: text, identityEvidence: ["same hair"], identityDifferences: [], sameCharacter: same,
            identityScore: score, observedView: view, faceVisible: face, isMirrorOfReference: mirror, backIsTrueRotation: rotation,
            outfitMatches: 3, expression: nil)
    }
}
