/// Text-only plans as the SDXL reference generator meant them (issue 17, item 5).
extension KitPlan {
    /// One reference per character, then the scenes. A scene that names characters waits for
    /// exactly those (and is made from their references, in the order named); one that names
    /// none waits for the plan's first character; in a plan of scenes alone (location
    /// references) the scenes wait for nothing.
    static func textOnlySteps(_ order: Order) -> [Step] {
        var seen = Set<Stage>()
        var steps: [Step] = []
        for name in order.characters.compactMap(\.name) where seen.insert(.character(name)).inserted {
            steps.append(Step(stage: .character(name), dependsOnAll: []))
        }
        for scene in order.scenes where seen.insert(.scene(scene.id)).inserted {
            steps.append(Step(stage: .scene(scene.id), dependsOnAll: sceneCharacters(scene, in: order).map(Stage.character)))
        }
        return steps
    }

    /// The names of the characters a text-only scene shows: those it names that the plan has,
    /// else the plan's first character; none in a plan of scenes alone.
    public static func sceneCharacters(_ scene: Order.Scene, in order: Order) -> [String] {
        let names = order.characters.compactMap(\.name)
        let named = scene.characters.filter(names.contains)
        if !named.isEmpty { return named }
        return names.first.map { [$0] } ?? []
    }

    /// The steps a follow-up order adds to a text-only kit (`kit`: the kit's order so far). Such
    /// a kit has no avatar: each scene waits for the characters it shows, as in the first plan,
    /// so a scene ordered while a character is still being made is made from its reference;
    /// other stages wait for nothing.
    public static func textOnlyFollowUp(for order: Order, kit: Order) -> KitPlan {
        let scenes = Dictionary(order.scenes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return KitPlan(
            steps: followUp(for: order).steps.map { step in
                guard case .scene(let id) = step.stage, let scene = scenes[id] else { return Step(stage: step.stage, dependsOnAll: []) }
                return Step(stage: step.stage, dependsOnAll: sceneCharacters(scene, in: kit).map(Stage.character))
            })
    }
}
