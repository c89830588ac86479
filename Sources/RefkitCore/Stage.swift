/// One reference to make for a kit.
public enum Stage: Hashable, Sendable, Comparable, CustomStringConvertible {
    case avatar
    case referenceAvatar
    case front
    case side
    case back
    case profile
    case halfBody
    case fullBody
    case expression(String)
    case scene(String)
    /// The reference of one character of a text-only plan.
    case character(String)
    /// Avatar candidate N (1-based) of a kit that makes several and then picks one.
    case candidate(Int)
    /// The kit's locked face put onto a target image dropped with a face-swap order.
    case swap(String)
    /// Image N (1-based) of an order's `images` entry `id`: the character in a scene of the
    /// user's own words (issue 17, item 2).
    case image(id: String, n: Int)

    /// The fixed views, in the order a kit makes them.
    public static let views: [Stage] = [.avatar, .referenceAvatar, .front, .side, .back, .profile, .halfBody, .fullBody]

    public var description: String { name }

    /// The stage's stable name: `avatar`, `half_body`, `expression:smile`, `scene:beach`.
    public var name: String {
        switch self {
        case .avatar: "avatar"
        case .referenceAvatar: "reference_avatar"
        case .front: "front"
        case .side: "side"
        case .back: "back"
        case .profile: "profile"
        case .halfBody: "half_body"
        case .fullBody: "full_body"
        case .expression(let name): "expression:\(name)"
        case .scene(let id): "scene:\(id)"
        case .character(let name): "character:\(name)"
        case .candidate(let n): "candidate:\(n)"
        case .swap(let id): "swap:\(id)"
        case .image(let id, let n): "image:\(id)-\(n)"
        }
    }

    /// The most avatar candidates an order may ask for.
    public static let maxCandidates = 8

    /// Whether this is an avatar candidate.
    public var isCandidate: Bool {
        if case .candidate = self { return true }
        return false
    }

    /// Parses a stage name; nil when it is not one.
    public init?(name: String) {
        if let fixed = Stage.views.first(where: { $0.name == name }) {
            self = fixed
            return
        }
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, SafeName.isSafeIdentifier(parts[1]) else { return nil }
        switch parts[0] {
        case "expression": self = .expression(parts[1])
        case "scene": self = .scene(parts[1])
        case "swap": self = .swap(parts[1])
        case "character": self = .character(parts[1])
        case "image":
            guard let image = Stage.madeImage(parts[1]) else { return nil }
            self = image
        case "candidate":
            guard let n = Int(parts[1]), (1...Stage.maxCandidates).contains(n), String(n) == parts[1] else { return nil }
            self = .candidate(n)
        default: return nil
        }
    }

    /// Whether this stage is conditioned on the kit's locked reference (everything but the avatar
    /// itself and text-only character references).
    public var needsLockedReference: Bool {
        switch self {
        case .avatar, .character, .candidate: false
        default: true
        }
    }

    /// The file this stage's image is published as, relative to the kit folder.
    public var fileName: String {
        switch self {
        case .expression(let name): "expressions/\(name).png"
        case .scene(let id): "scenes/\(id).png"
        case .character(let name): "characters/\(name).png"
        case .candidate(let n): "candidates/avatar-\(n).png"
        case .swap(let id): "swaps/\(id).png"
        case .image(let id, let n): "images/\(id)-\(n).png"
        default: "\(name).png"
        }
    }

    /// The size (width, height) asked of the provider. Every stage names its own (no catch-all):
    /// an avatar candidate is a possible avatar, so it is made square like the avatar it may become.
    public var imageSize: (width: Int, height: Int) {
        switch self {
        // A made image's own size comes from its order's `aspect` (ImageAspect); this is 1:1's.
        case .avatar, .candidate, .referenceAvatar, .profile, .expression, .image: (1024, 1024)
        case .scene: (1280, 960)
        case .front, .side, .back, .halfBody, .fullBody, .character, .swap: (768, 1024)
        }
    }

    /// A human label, as on the contact sheet ("SIDE VIEW", "EXPRESSION · SMILE").
    public var label: String {
        switch self {
        case .avatar: "AVATAR"
        case .referenceAvatar: "REFERENCE AVATAR"
        case .front: "FRONT VIEW"
        case .side: "SIDE VIEW"
        case .back: "BACK VIEW"
        case .profile: "3/4 PROFILE"
        case .halfBody: "HALF BODY"
        case .fullBody: "FULL BODY"
        case .expression(let name): "EXPRESSION · \(name.uppercased())"
        case .scene(let id): "SCENE · \(id.uppercased())"
        case .character(let name): "CHARACTER · \(name.uppercased())"
        case .candidate(let n): "AVATAR CANDIDATE \(n)"
        case .swap(let id): "FACE SWAP · \(id.uppercased())"
        case .image(let id, let n): "IMAGE · \(id.uppercased()) \(n)"
        }
    }

    private var rank: Int {
        switch self {
        case .candidate: -1
        case .avatar: 0
        case .referenceAvatar: 1
        case .front: 2
        case .side: 3
        case .back: 4
        case .profile: 5
        case .halfBody: 6
        case .fullBody: 7
        case .character: 8
        case .expression: 9
        case .scene: 10
        case .swap: 11
        case .image: 12
        }
    }

    public static func < (lhs: Stage, rhs: Stage) -> Bool {
        lhs.rank != rhs.rank ? lhs.rank < rhs.rank : lhs.name < rhs.name
    }
}

/// Named stage lists an order may ask for instead of an explicit list.
public enum StageProfile: String, CaseIterable, Sendable {
    case core
    case turnaround
    case extended

    public func stages(expressions: [String]) -> [Stage] {
        switch self {
        case .core: [.avatar, .profile]
        case .turnaround: [.avatar, .referenceAvatar, .front, .side, .back]
        case .extended: [.avatar, .profile, .halfBody, .fullBody] + expressions.map(Stage.expression)
        }
    }
}
