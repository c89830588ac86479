/// The stages one order asks of a kit, in the order they are made, with what each waits for.
public struct KitPlan: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var stage: Stage
        /// The stage that must be done first (the avatar, or a plan's first character), if any.
        public var dependsOn: Stage?
    }

    public var steps: [Step]

    public var stages: [Stage] { steps.map(\.stage) }

    /// Plans an order. A kit with a source always starts with its avatar; a text-only plan with
    /// one reference per character, then the scenes, which wait for the first character.
    public static func plan(for order: Order) -> KitPlan {
        if order.isTextOnlyPlan {
            let characters = order.characters.compactMap(\.name).map(Stage.character)
            let scenes = order.scenes.map { Stage.scene($0.id) }
            return KitPlan(steps: unique(characters).map { Step(stage: $0, dependsOn: nil) } + unique(scenes).map { Step(stage: $0, dependsOn: characters.first) })
        }
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
        stages.removeAll { $0 == .avatar }
        let rest = unique(stages.filter { if case .character = $0 { false } else { true } })
        return KitPlan(steps: [Step(stage: .avatar, dependsOn: nil)] + rest.map { Step(stage: $0, dependsOn: .avatar) })
    }

    /// Each stage once, first occurrence first: a stage made twice would be paid for twice.
    private static func unique(_ stages: [Stage]) -> [Stage] {
        var seen = Set<Stage>()
        return stages.filter { seen.insert($0).inserted }
    }
}
