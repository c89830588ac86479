/// What a planned stage waits for before it can run: the store's `depends_on`.
public enum StageDependency: Hashable, Sendable, CustomStringConvertible {
    /// One stage, done (the avatar, or a text-only plan's first character).
    case stage(Stage)
    /// Every avatar candidate ended: the avatar of a kit that chooses among candidates.
    case allCandidates
    /// Several stages, all done: a text-only scene that shows several characters (issue 17,
    /// item 5). Stored as their names joined by commas, which no stage name holds.
    case stages([Stage])

    /// Waits for all of `stages`: nil for none, `.stage` for one (as the store always wrote it).
    public init?(all stages: [Stage]) {
        switch stages.count {
        case 0: return nil
        case 1: self = .stage(stages[0])
        default: self = .stages(stages)
        }
    }

    /// The stored name: the stage's name, `candidates`, or the stages' names joined by commas.
    public var name: String {
        switch self {
        case .stage(let stage): stage.name
        case .allCandidates: "candidates"
        case .stages(let stages): stages.map(\.name).joined(separator: Self.separator)
        }
    }

    /// Between the names of several stages waited for (the scheduler's SQL splits on it too).
    public static let separator = ","

    public var description: String { name }

    /// Parses a stored name; nil when it is neither `candidates` nor a stage's name (or a list of them).
    public init?(name: String) {
        if name == StageDependency.allCandidates.name {
            self = .allCandidates
        } else if let stage = Stage(name: name) {
            self = .stage(stage)
        } else if name.contains(Self.separator) {
            var stages: [Stage] = []
            for part in name.split(separator: Self.separator, omittingEmptySubsequences: false) {
                guard let stage = Stage(name: String(part)) else { return nil }
                stages.append(stage)
            }
            self = .stages(stages)
        } else {
            return nil
        }
    }

    /// The stage it waits for, when it is one stage.
    public var stage: Stage? {
        if case .stage(let stage) = self { return stage }
        return nil
    }

    /// Every stage it waits for (none for the candidates).
    public var stages: [Stage] {
        switch self {
        case .stage(let stage): [stage]
        case .allCandidates: []
        case .stages(let stages): stages
        }
    }
}
