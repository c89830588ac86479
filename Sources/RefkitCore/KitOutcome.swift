/// How a kit ends, decided from its stages alone (DESIGN.md "Kit life cycle"): the final status,
/// the failure a failed kit reports, and how many of the planned references were made.
public struct KitOutcome: Sendable, Equatable {
    /// One of the kit's stages as it ended.
    public struct StageEnd: Sendable, Equatable {
        public var stage: Stage
        public var status: StageStatus
        public var errorCode: String?
        public var errorMessage: String?
        /// QA's verdict on the stage's image was `fail` (its best attempt was kept all the same).
        public var qaFailed: Bool

        public init(_ stage: Stage, _ status: StageStatus, errorCode: String? = nil, errorMessage: String? = nil, qaFailed: Bool = false) {
            self.stage = stage
            self.status = status
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.qaFailed = qaFailed
        }
    }

    public let status: KitStatus
    /// Set when the kit failed: the avatar's failure, else `kit_failed`.
    public let errorCode: String?
    public let errorMessage: String?
    /// References made, of those planned: avatar candidates are neither.
    public let referencesDone: Int
    public let referencesPlanned: Int

    /// Text-only plans follow the reference-generator rule: at least `minShare` of the stages,
    /// and one character and one scene when the plan has any; other kits need their avatar. A
    /// kit is `complete` only when every reference was made and none failed QA.
    public init(stages all: [StageEnd], textOnly: Bool, minShare: Double) {
        let stages = all.filter { !$0.stage.isCandidate }
        let done = stages.filter { $0.status == .done }
        let whole = done.count == stages.count && !done.contains(where: \.qaFailed)
        let status: KitStatus
        if textOnly {
            let characters = stages.filter { if case .character = $0.stage { true } else { false } }
            let scenes = stages.filter { if case .scene = $0.stage { true } else { false } }
            let enough = Double(done.count) >= (Double(stages.count) * minShare).rounded(.up) && !done.isEmpty
            let hasCharacter = characters.isEmpty || characters.contains { $0.status == .done }
            let hasScene = scenes.isEmpty || scenes.contains { $0.status == .done }
            status = enough && hasCharacter && hasScene ? (whole ? .complete : .partial) : .failed
        } else if stages.contains(where: { $0.stage == .avatar && $0.status == .done }) {
            status = whole ? .complete : .partial
        } else {
            status = .failed
        }
        let failure = stages.first { $0.stage == .avatar && $0.status == .failed }
        self.status = status
        errorCode = status == .failed ? (failure?.errorCode ?? "kit_failed") : nil
        errorMessage = status == .failed ? (failure?.errorMessage ?? "too few references were made") : nil
        referencesDone = done.count
        referencesPlanned = stages.count
    }
}
