import RefkitCore

/// What a stage's image must show, as far as local checks and the judge can tell: a pure
/// function of the stage (QA-research.md §1.4 and the stage prompts in `Prompts`).
public struct ViewExpectation: Sendable, Equatable {
    /// The faces a view must or must not show.
    public enum Faces: Sendable, Equatable {
        /// A face, looking at the camera. `strict`: its absence fails the view; otherwise it
        /// warns, because dlib's HOG window (80 x 80 px) misses the small face of a body view.
        case frontal(strict: Bool)
        /// A face at any angle; its absence warns (HOG is not built for turned heads).
        case turned
        /// No face from the front (the side view).
        case noFrontal
        /// No face at all (the back view).
        case none
        /// Not checked: a scene, a text-only character, anything may or may not show a face.
        case any
    }

    /// Which identity test applies to the face found (its band is in `QAThresholds.band(for:)`).
    public enum IdentityTest: String, Sendable, Equatable {
        case frontal
        case threeQuarter = "three_quarter"
    }

    /// The faces the view must or must not show.
    public var faces: Faces
    /// nil: no embedding test for this view (profiles and backs defeat it; scenes and
    /// characters have no one face to compare).
    public var identity: IdentityTest?
    /// The views the judge may report for this stage.
    public var allowedViews: Set<ObservedView>
    /// The view spec the judge reads, e.g. `view=side (profile facing left or right), framing=full body`.
    public var spec: String

    /// The expectation of `stage`.
    public static func of(_ stage: Stage) -> ViewExpectation {
        let front: Set<ObservedView> = [.front]
        switch stage {
        case .avatar, .candidate, .referenceAvatar:
            return ViewExpectation(
                faces: .frontal(strict: true), identity: .frontal, allowedViews: front,
                spec: "view=front (facing the camera), framing=head and shoulders")
        case .expression(let name):
            let expression = name.replacingUnderscores
            return ViewExpectation(
                faces: .frontal(strict: true), identity: .frontal, allowedViews: front,
                spec: "view=front (facing the camera), framing=head and shoulders, expression=\(expression)")
        case .front, .fullBody:
            return ViewExpectation(
                faces: .frontal(strict: false), identity: .frontal, allowedViews: front,
                spec: "view=front (facing the camera), framing=full body")
        case .halfBody:
            return ViewExpectation(
                faces: .frontal(strict: false), identity: .frontal, allowedViews: front,
                spec: "view=front (facing the camera), framing=half body, waist up")
        case .profile:
            return ViewExpectation(
                faces: .turned, identity: .threeQuarter, allowedViews: [.threeQuarterLeft, .threeQuarterRight],
                spec: "view=three-quarter (head and shoulders turned about 45 degrees), framing=head and shoulders")
        case .side:
            return ViewExpectation(
                faces: .noFrontal, identity: nil, allowedViews: [.profileLeft, .profileRight],
                spec: "view=side (profile facing left or right), framing=full body")
        case .back:
            return ViewExpectation(
                faces: .none, identity: nil, allowedViews: [.back],
                spec: "view=back (seen from directly behind, no face visible), framing=full body")
        case .swap:
            // The pose is the target image's, so the looser band; the face must be there.
            return ViewExpectation(
                faces: .turned, identity: .threeQuarter, allowedViews: Set(ObservedView.allCases),
                spec: "view=any (the target photo's pose), framing=as in the target photo, face swapped in")
        case .image:
            // Issue 17, item 2: any pose and framing the user asked for, so no view is demanded;
            // the face, when found, is compared with the looser band (it may be turned).
            return ViewExpectation(
                faces: .turned, identity: .threeQuarter, allowedViews: Set(ObservedView.allCases),
                spec: "view=any (as the prompt asks), framing=any, the same character as the reference")
        case .scene(let id):
            return ViewExpectation(
                faces: .any, identity: nil, allowedViews: Set(ObservedView.allCases),
                spec: "view=any, framing=a scene (\(id.replacingUnderscores)) with the character in it")
        case .character:
            return ViewExpectation(
                faces: .any, identity: nil, allowedViews: Set(ObservedView.allCases),
                spec: "view=front, framing=head to mid-torso (a character reference of a text-only plan)")
        }
    }
}

/// The view the judge reports it sees (the rubric's `observed_view`).
public enum ObservedView: String, Sendable, CaseIterable, Codable {
    case front
    case threeQuarterLeft = "three_quarter_left"
    case threeQuarterRight = "three_quarter_right"
    case profileLeft = "profile_left"
    case profileRight = "profile_right"
    case back
    case other
}

extension String {
    /// `very_happy` as `very happy`, for prompts and specs.
    var replacingUnderscores: String { split(separator: "_", omittingEmptySubsequences: false).joined(separator: " ") }
}
