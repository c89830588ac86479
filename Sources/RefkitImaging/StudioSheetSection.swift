import RefkitCore

/// The rows of a studio contact sheet, in the order they are drawn: the turnaround first (the
/// source sits at its left), then the avatar and, while the kit waits for a choice, its candidates;
/// a text-only plan's characters; body shots, expressions, scenes, face swaps, made images.
public enum StudioSheetSection: Int, Sendable, CaseIterable, Comparable {
    case turnaround
    case avatar
    case candidates
    case characters
    case body
    case expressions
    case scenes
    case swaps
    /// Issue 17, item 2: images made from the kit (`images/ID-N.png`).
    case images

    /// The turnaround's fixed slots, left to right: the 3/4 view is the `profile` stage.
    public static let turnaroundOrder: [Stage] = [.front, .profile, .side, .back]

    /// The row a stage's picture belongs to.
    public init(_ stage: Stage) {
        switch stage {
        case .front, .profile, .side, .back: self = .turnaround
        case .avatar, .referenceAvatar: self = .avatar
        case .halfBody, .fullBody: self = .body
        case .expression: self = .expressions
        case .scene: self = .scenes
        case .character: self = .characters
        case .swap: self = .swaps
        case .image: self = .images
        case .candidate: self = .candidates
        }
    }

    /// The small heading drawn above the row.
    public var heading: String {
        switch self {
        case .turnaround: "TURNAROUND"
        case .avatar: "AVATAR"
        case .body: "BODY"
        case .expressions: "EXPRESSIONS"
        case .scenes: "SCENES"
        case .characters: "CHARACTERS"
        case .swaps: "FACE SWAPS"
        case .images: "IMAGES"
        case .candidates: "AVATAR CANDIDATES"
        }
    }

    /// Grid columns one cell of the row spans: scenes are wide pictures and get two.
    var span: Int { self == .scenes ? 2 : 1 }

    /// A cell's picture area height over its width, from the shape its stages are made in
    /// (`Stage.imageSize`): 3:4 portraits for figures, squares for faces, 4:3 for scenes.
    var aspect: Double {
        switch self {
        case .turnaround, .body, .characters, .swaps: 4.0 / 3.0
        // Made images come in several aspects: a square cell fits each of them.
        case .avatar, .expressions, .candidates, .images: 1
        case .scenes: 0.75
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
