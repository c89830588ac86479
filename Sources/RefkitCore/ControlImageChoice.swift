/// Which of a stage's images a depth-ControlNet (or other control) app gets as its control
/// image (issue 17 item 4). The control image fixes the composition — the pose and the body's
/// depth — so a body view is conditioned on the source photo, whose body is in it, and never on
/// the avatar headshot, whose depth map is a face filling the frame. Head views (a reference
/// headshot, the profile, expressions) take the locked avatar, the face the kit keeps; a face
/// swap's control is its target (the stage's source). Whatever the rule prefers falls back to
/// what the stage has.
public enum ControlImageChoice: Sendable, Equatable {
    /// The stage's source (the normalised original; a face swap's target).
    case source
    /// The kit's locked reference (the chosen avatar).
    case lockedReference
    /// The first further reference (a text-only plan's character, for its scenes).
    case firstReference

    /// The control image for `stage`, given which images the stage has; nil when it has none.
    public static func choose(for stage: Stage, hasSource: Bool, hasLockedReference: Bool, hasReferences: Bool) -> ControlImageChoice? {
        let preferred: [ControlImageChoice] =
            switch stage {
            case .referenceAvatar, .profile, .expression: [.lockedReference, .source, .firstReference]
            default: [.source, .lockedReference, .firstReference]
            }
        return preferred.first {
            switch $0 {
            case .source: hasSource
            case .lockedReference: hasLockedReference
            case .firstReference: hasReferences
            }
        }
    }
}
