/// The stages one order asks of a kit, in the order they are made, with what each waits for.
public struct KitPlan: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var stage: Stage
        /// The stages that must all be done first (the avatar; a text-only scene's characters), in order.
        public var dependencies: [Stage]
        /// The avatar of a kit with several candidates: it is chosen (not generated) once every
        /// candidate has ended.
        public var afterCandidates = false

        public init(stage: Stage, dependsOn: Stage?, afterCandidates: Bool = false) {
            self.init(stage: stage, dependsOnAll: dependsOn.map { [$0] } ?? [], afterCandidates: afterCandidates)
        }

        public init(stage: Stage, dependsOnAll dependencies: [Stage], afterCandidates: Bool = false) {
            self.stage = stage
            self.dependencies = dependencies
            self.afterCandidates = afterCandidates
        }

        /// The one stage waited for (the first, when there are several); setting it replaces them all.
        public var dependsOn: Stage? {
            get { dependencies.first }
            set { dependencies = newValue.map { [$0] } ?? [] }
        }

        /// What the stage waits for, as the store records it (`depends_on`).
        public var dependency: StageDependency? { afterCandidates ? .allCandidates : StageDependency(all: dependencies) }
    }

    public var steps: [Step]

    public init(steps: [Step]) { self.steps = steps }

    public var stages: [Stage] { steps.map(\.stage) }

    /// Plans an order. A kit with a source always starts with its avatar; a text-only plan with
    /// one reference per character, then the scenes (`textOnlySteps`).
    public static func plan(for order: Order) -> KitPlan {
        if order.isTextOnlyPlan { return KitPlan(steps: textOnlySteps(order)) }
        var stages: [Stage]
        switch order.stages ?? .profile(.turnaround) {
        case .profile(let profile): stages = profile.stages(expressions: order.expressions ?? Order.defaultExpressions)
        case .list(let list): stages = list
        }
        if let expressions = order.expressions, case .list = order.stages ?? .profile(.core) {
            // An explicit expression list with an explicit stage list adds those expressions.
            for e in expressions where !stages.contains(.expression(e)) { stages.append(.expression(e)) }
        }
        for scene in order.scenes where !stages.contains(.scene(scene.id)) { stages.append(.scene(scene.id)) }
        stages += order.imageStages  // made after the avatar is locked, like every view
        stages.removeAll { $0 == .avatar || $0.isCandidate }
        let rest = unique(stages.filter { if case .character = $0 { false } else { true } })
        let candidates = min(order.candidates ?? 1, Stage.maxCandidates)
        let head: [Step] =
            candidates > 1
            ? (1...candidates).map { Step(stage: .candidate($0), dependsOn: nil) } + [
                Step(stage: .avatar, dependsOn: nil, afterCandidates: true)
            ]
            : [Step(stage: .avatar, dependsOn: nil)]
        return KitPlan(steps: head + rest.map { Step(stage: $0, dependsOn: .avatar) })
    }

    /// The stages a follow-up order adds to an existing kit: the scenes, expressions, images and
    /// stages it names (never a second avatar), all made from the kit's locked reference.
    public static func followUp(for order: Order) -> KitPlan {
        var stages: [Stage] = []
        if case .list(let list)? = order.stages { stages += list }
        if case .profile(let profile)? = order.stages {
            stages += profile.stages(expressions: order.expressions ?? Order.defaultExpressions)
        }
        for e in order.expressions ?? [] where !stages.contains(.expression(e)) { stages.append(.expression(e)) }
        for scene in order.scenes where !stages.contains(.scene(scene.id)) { stages.append(.scene(scene.id)) }
        stages += order.imageStages
        stages.removeAll { $0 == .avatar || $0.isCandidate }
        stages.removeAll { if case .character = $0 { true } else { false } }
        return KitPlan(steps: unique(stages).map { Step(stage: $0, dependsOn: .avatar) })
    }

    /// Each stage once, first occurrence first: a stage made twice would be paid for twice.
    private static func unique(_ stages: [Stage]) -> [Stage] {
        var seen = Set<Stage>()
        return stages.filter { seen.insert($0).inserted }
    }
}
