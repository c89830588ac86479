/// What a planned stage waits for before it can run: the store's `depends_on`.
public enum StageDependency: Hashable, Sendable, CustomStringConvertible {
    /// One stage, done (the avatar, or a text-only plan's first character).
    case stage(Stage)
    /// Every avatar candidate ended: the avatar of a kit that chooses among candidates.
    case allCandidates

    /// The stored name: the stage's name, or `candidates`.
    public var name: String {
        switch self {
        case .stage(let stage): stage.name
        case .allCandidates: "candidates"
        }
    }

    public var description: String { name }

    /// Parses a stored name; nil when it is neither `candidates` nor a stage's name.
    public init?(name: String) {
        if name == StageDependency.allCandidates.name {
            self = .allCandidates
        } else if let stage = Stage(name: name) {
            self = .stage(stage)
        } else {
            return nil
        }
    }

    /// The stage it waits for, when it is one stage.
    public var stage: Stage? {
        if case .stage(let stage) = self { return stage }
        return nil
    }
}
