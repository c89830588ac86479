import RefkitCore

/// What to do with a stage after QA (QA-research.md §5.4): keep it, make it again with a new
/// seed and the reason folded into the prompt, or stop and keep the best attempt. `warn`
/// publishes without retry; only `fail` regenerates, up to `maxRegenerations` and never past a
/// budget: the caller says whether one more paid call fits (`Budget.refusal`, with the
/// reservations of calls in flight), so the budget rule keeps its one home.
public struct RegenerationPolicy: Sendable, Equatable {
    /// `[qa] max_regenerations`: attempts after the first.
    public var maxRegenerations: Int

    /// A policy allowing `maxRegenerations` attempts after the first (negative counts as 0).
    public init(maxRegenerations: Int = 2) {
        self.maxRegenerations = max(0, maxRegenerations)
    }

    /// One attempt at a stage, as QA saw it.
    public struct Attempt: Sendable, Equatable {
        /// The attempt's stage verdict.
        public var verdict: QAVerdict
        /// The judge's identity score (0...4); nil when the judge was not asked or gave none.
        public var judgeScore: Int?
        /// The face's embedding distance to the locked reference; nil when not measured.
        public var identityDistance: Double?
        /// The reasons of its warnings and failures (`StageVerdict.reasons`).
        public var reasons: [QAReason]

        /// An attempt from what QA measured of it.
        public init(verdict: QAVerdict, judgeScore: Int? = nil, identityDistance: Double? = nil, reasons: [QAReason] = []) {
            self.verdict = verdict
            self.judgeScore = judgeScore
            self.identityDistance = identityDistance
            self.reasons = reasons
        }
    }

    /// The decision after an attempt.
    public enum Decision: Sendable, Equatable {
        /// Publish the latest attempt.
        case accept
        /// Generate again: the seed moved by `seedOffset`, `promptAddendum` appended to the prompt.
        case regenerate(seedOffset: Int, promptAddendum: String)
        /// Stop: publish attempt `keep` (0-based) with verdict `fail`. `reason` is
        /// `qa_budget_exhausted` when a budget, not the attempt limit, stopped it.
        case giveUp(keep: Int, reason: QAReason?)
    }

    /// Decides after the latest of `attempts` (oldest first, never empty).
    public func decide(stage: Stage, attempts: [Attempt], budgetAllowsAnother: Bool) -> Decision {
        guard let latest = attempts.last else { return .giveUp(keep: 0, reason: nil) }
        guard latest.verdict == .fail else { return .accept }
        let regenerations = attempts.count - 1
        guard regenerations < maxRegenerations else { return .giveUp(keep: Self.bestAttempt(attempts), reason: nil) }
        guard budgetAllowsAnother else { return .giveUp(keep: Self.bestAttempt(attempts), reason: .budgetExhausted) }
        return .regenerate(seedOffset: attempts.count, promptAddendum: Self.promptAddendum(for: latest.reasons, stage: stage))
    }

    /// The index of the best attempt: by verdict (pass, warn, skipped, fail), then the judge's
    /// score (higher, unknown last), then identity distance (lower, unknown last), then the earliest.
    public static func bestAttempt(_ attempts: [Attempt]) -> Int {
        func rank(_ verdict: QAVerdict) -> Int {
            switch verdict {
            case .pass: 0
            case .warn: 1
            case .skipped: 2
            case .fail: 3
            }
        }
        let ordered = attempts.indices.sorted { a, b in
            let (x, y) = (attempts[a], attempts[b])
            if rank(x.verdict) != rank(y.verdict) { return rank(x.verdict) < rank(y.verdict) }
            if x.judgeScore != y.judgeScore { return (x.judgeScore ?? -1) > (y.judgeScore ?? -1) }
            if x.identityDistance != y.identityDistance { return (x.identityDistance ?? .infinity) < (y.identityDistance ?? .infinity) }
            return a < b
        }
        return ordered.first ?? 0
    }

    /// The sentences folded into the next prompt, one per distinct reason, in order.
    public static func promptAddendum(for reasons: [QAReason], stage: Stage) -> String {
        var seen = Set<String>()
        return reasons.compactMap { addendum(for: $0, stage: stage) }.filter { seen.insert($0).inserted }.joined(separator: " ")
    }

    /// The sentence for one reason; nil for reasons a new image cannot fix.
    static func addendum(for reason: QAReason, stage: Stage) -> String? {
        switch reason {
        case .blank: "The previous image was blank; draw the complete character, clearly visible, filling the frame."
        case .tiny: "The previous image was too small; render at the full requested size."
        case .noImage: "The previous request returned no image; keep the character fully clothed and the scene neutral."
        case .duplicateOf(let file):
            "The previous image repeated \(file) unchanged; make a new image showing exactly: \(ViewExpectation.of(stage).spec)."
        case .mirrorOf(let file):
            "The previous image was \(file) flipped left-right; turn the character itself (a real rotation), never mirror an image."
        case .faceInBackView:
            "The previous image showed a face; show only the back of the head, seen from directly behind, the face must not be visible."
        case .frontalInSideView:
            "The previous image showed the face from the front; show a true side profile, head and body turned 90 degrees."
        case .noFace: "The previous image showed no clear face; show the character's face clearly and unobstructed."
        case .notFrontal: "The previous image showed the face turned away; the face must look straight at the camera."
        case .identityDistance, .judgeIdentity:
            "The previous image looked like a different person; keep the exact face, features, hair and eyes of the reference image."
        case .judgeView: "The previous image showed the wrong view; show exactly: \(ViewExpectation.of(stage).spec)."
        case .judgeImage: "The previous image had visible defects or text; make one clean, complete picture with no text."
        case .judgeUnavailable, .budgetExhausted: nil
        }
    }
}
