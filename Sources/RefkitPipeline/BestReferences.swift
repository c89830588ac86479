import RefkitCore

/// Issue 17, item 2: which of a kit's made references go with an image made from the kit, best
/// first. A value: the scheduler hands in what the store says of the kit's stages and reads the
/// files this picks.
///
/// Only views that show the character's face and figure are worth sending (the avatar itself goes
/// as the locked reference; backs, scenes, swaps and other made images carry no clean identity).
/// Those QA passed come first, then unchecked ones, then those QA warned about; a reference QA
/// failed, or one made from an earlier locked avatar, is never sent.
struct BestReferences: Equatable {
    /// One done stage of the kit, as far as choosing needs it.
    struct Candidate: Equatable {
        var stage: Stage
        var file: String
        /// QA's verdict on the published attempt; nil when it was not checked.
        var verdict: QAVerdict?
        /// Made from the kit's current locked avatar (or from no locked avatar at all).
        var current = true
    }

    /// The most references sent besides the source and the locked avatar: edit models take a
    /// handful of images (fal's Kontext multi: 4 in all), and each one costs upload time.
    static let defaultLimit = 3

    /// The identity-bearing views, best first: the clean headshot, the front, the three-quarter
    /// view, the half and full body, then expressions and the side view.
    static func viewRank(_ stage: Stage) -> Int? {
        switch stage {
        case .referenceAvatar: 0
        case .front: 1
        case .profile: 2
        case .halfBody: 3
        case .fullBody: 4
        case .expression: 5
        case .side: 6
        case .avatar, .back, .scene, .swap, .image, .candidate, .character: nil
        }
    }

    /// How much QA vouches for a reference: passed, unchecked, warned; nil for failed.
    static func trust(_ verdict: QAVerdict?) -> Int? {
        switch verdict {
        case .pass: 0
        case nil, .skipped: 1
        case .warn: 2
        case .fail: nil
        }
    }

    /// The chosen references, best first.
    let chosen: [Candidate]

    init(_ candidates: [Candidate], limit: Int = BestReferences.defaultLimit) {
        let ranked = candidates.compactMap { c -> (Candidate, Int, Int)? in
            guard c.current, let view = Self.viewRank(c.stage), let trust = Self.trust(c.verdict) else { return nil }
            return (c, trust, view)
        }
        chosen = ranked.sorted { a, b in
            (a.1, a.2, a.0.stage.name) < (b.1, b.2, b.0.stage.name)
        }
        .prefix(max(limit, 0)).map(\.0)
    }

    /// The chosen stages, best first.
    var stages: [Stage] { chosen.map(\.stage) }
}
