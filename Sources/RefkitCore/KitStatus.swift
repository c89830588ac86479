/// Where a kit is in its life cycle (DESIGN.md "Kit life cycle").
public enum KitStatus: String, Sendable, CaseIterable, Codable {
    case queued
    case analyzing
    case generating
    case awaitingSelection = "awaiting_selection"
    case complete
    case partial
    case failed

    public var isFinished: Bool { self == .complete || self == .partial || self == .failed }
}

/// Where one stage is.
public enum StageStatus: String, Sendable, CaseIterable, Codable {
    case pending
    case running
    case done
    case failed
    case skipped
}
