import RefkitCore
import Testing

/// Text-only plans as the SDXL reference generator meant them (issue 17, item 5): scenes name
/// their characters and wait only for them; a plan of scenes alone; the outcome rule per shape.
@Suite("Text-only plans")
struct TextOnlyPlanTests {
    func order(_ text: String) throws(RefkitError) -> Order { try OrderValidator.validate(bytes: Array(text.utf8)) }

    func step(_ plan: KitPlan, _ name: String) -> KitPlan.Step? { plan.steps.first { $0.stage.name == name } }

    let crew = #"""
        {"characters": [{"name": "captain"}, {"name": "engineer"}, {"name": "cook"}],
         "scenes": [{"id": "bridge", "description": "on the bridge", "characters": ["engineer", "captain"]},
                    {"id": "galley", "description": "in the galley", "characters": ["cook"]},
                    {"id": "deck", "description": "on deck"}]}
        """#

    @Test func aSceneWaitsForTheCharactersItNamesInTheirOrder() throws {
        let plan = KitPlan.plan(for: try order(crew))
        #expect(
            plan.stages.map(\.name) == [
                "character:captain", "character:engineer", "character:cook", "scene:bridge", "scene:galley", "scene:deck",
            ])
        #expect(step(plan, "character:captain")?.dependency == nil)
        #expect(step(plan, "scene:bridge")?.dependencies == [.character("engineer"), .character("captain")])
        #expect(step(plan, "scene:bridge")?.dependency == .stages([.character("engineer"), .character("captain")]))
        #expect(step(plan, "scene:galley")?.dependency == .stage(.character("cook")), "one character: stored as before")
        #expect(step(plan, "scene:deck")?.dependency == .stage(.character("captain")), "naming none: the first character")
    }

    @Test func aFollowUpsScenesWaitForTheKitsCharactersTheyShow() throws {
        let kit = try order(crew)
        let more = try order(
            #"{"kit": "crew", "scenes": [{"id": "mess", "characters": ["cook", "engineer"]}, {"id": "hold"}], "expressions": ["smile"]}"#)
        let plan = KitPlan.textOnlyFollowUp(for: more, kit: kit)
        #expect(plan.stages.map(\.name) == ["expression:smile", "scene:mess", "scene:hold"])
        #expect(step(plan, "scene:mess")?.dependencies == [.character("cook"), .character("engineer")])
        #expect(step(plan, "scene:hold")?.dependencies == [.character("captain")], "naming none: the kit's first character")
        #expect(step(plan, "expression:smile")?.dependencies == [], "no avatar to wait for")
    }

    @Test func aPlanOfScenesAloneIsValidAndItsScenesWaitForNothing() throws {
        let places = try order(#"{"characters": [], "scenes": [{"id": "harbour", "description": "a harbour at dawn"}, {"id": "market"}]}"#)
        #expect(places.isTextOnlyPlan && places.scenesOnly)
        let plan = KitPlan.plan(for: places)
        #expect(plan.stages == [.scene("harbour"), .scene("market")])
        #expect(plan.steps.allSatisfy { $0.dependency == nil })
        #expect(try OrderValidator.validate(json: places.jsonValue) == places, "the stored order stays a scenes-only plan")
        let prompt = Prompts.prompt(for: .scene("harbour"), characters: [], scene: "a harbour at dawn", templates: nil)
        #expect(prompt.contains("a harbour at dawn") && prompt.contains("no people") && !prompt.contains("same face"), "\(prompt)")
        #expect(!(try order(#"{"scenes": [{"id": "harbour"}]}"#)).isTextOnlyPlan, "without \"characters\": [] it waits for an image")
    }

    @Test func validationNamesTheJSONPathOfABadSceneCharacter() throws {
        let cases = [
            (#"{"characters": [{"name": "a"}], "scenes": [{"id": "x", "characters": ["b"]}]}"#, "$.scenes[0].characters[0]"),
            (
                #"{"characters": [{"name": "a"}], "scenes": [{"id": "x"}, {"id": "y", "characters": ["a", "a"]}]}"#,
                "$.scenes[1].characters[1]"
            ),
            (#"{"characters": [{"name": "a"}], "scenes": [{"id": "x", "characters": "a"}]}"#, "$.scenes[0].characters"),
            (#"{"characters": [], "scenes": [{"id": "x", "characters": ["a"]}]}"#, "$.scenes[0].characters[0]"),
            (#"{"characters": []}"#, "$.characters"),
        ]
        for (text, path) in cases {
            do {
                _ = try order(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.detail.hasPrefix(path), "\(text): \(error.detail)")
            }
        }
        // A follow-up names its kit's characters, which the follow-up does not repeat: checked against the kit's.
        let followUp = try order(#"{"kit": "crew", "scenes": [{"id": "mess", "characters": ["cook"]}]}"#)
        #expect(followUp.scenes.first?.characters == ["cook"])
        #expect(OrderValidator.checkSceneCharacters(followUp, kit: try order(crew)) == nil)
        let stranger = try order(#"{"kit": "crew", "scenes": [{"id": "mess"}, {"id": "hold", "characters": ["cook", "bosun"]}]}"#)
        let problem = OrderValidator.checkSceneCharacters(stranger, kit: try order(crew))
        #expect(problem?.detail.hasPrefix("$.scenes[1].characters[1] \"bosun\"") == true, "\(String(describing: problem))")
    }

    @Test func severalDependenciesAreStoredAsOneReadableName() {
        let several = StageDependency.stages([.character("engineer"), .character("captain")])
        #expect(several.name == "character:engineer,character:captain")
        #expect(StageDependency(name: several.name) == several)
        #expect(StageDependency(name: "avatar") == .stage(.avatar), "rows written before stay readable")
        #expect(StageDependency(name: "candidates") == .allCandidates)
        #expect(StageDependency(name: "character:a,") == nil && StageDependency(name: "nonsense") == nil)
        #expect(StageDependency(all: []) == nil && StageDependency(all: [.avatar]) == .stage(.avatar))
        #expect(several.stages == [.character("engineer"), .character("captain")])
    }

    @Test func aSceneShowsItsNamedCharactersTogether() throws {
        let plan = try order(crew)
        let bridge = try #require(plan.scenes.first)
        #expect(KitPlan.sceneCharacters(bridge, in: plan) == ["engineer", "captain"])
        let shown = KitPlan.sceneCharacters(bridge, in: plan).compactMap { n in plan.characters.first { $0.name == n } }
        let prompt = Prompts.prompt(for: .scene("bridge"), characters: shown, scene: "on the bridge", templates: nil)
        #expect(
            prompt.hasPrefix("Engineer, the character; and captain, the character, together in this scene: on the bridge."), "\(prompt)")
        #expect(prompt.contains("as in their reference image (the images are in the same order)"), "\(prompt)")
    }

    func status(_ stages: [(String, StageStatus)], minShare: Double = 0.5) -> KitStatus {
        KitOutcome(stages: stages.map { KitOutcome.StageEnd(Stage(name: $0.0)!, $0.1) }, textOnly: true, minShare: minShare).status
    }

    @Test func theOutcomeRuleAsksOnlyForWhatThePlanHas() {
        // Scenes alone: no character is needed.
        #expect(status([("scene:a", .done), ("scene:b", .failed)]) == .partial)
        #expect(status([("scene:a", .done), ("scene:b", .done)]) == .complete)
        #expect(status([("scene:a", .done), ("scene:b", .failed), ("scene:c", .failed)]) == .failed, "1 of 3 is under half")
        // Characters alone: no scene is needed.
        #expect(status([("character:a", .done), ("character:b", .failed)]) == .partial)
        #expect(status([("character:a", .failed), ("character:b", .failed)]) == .failed)
        // Both: one of each, and the share.
        #expect(status([("character:a", .done), ("scene:x", .skipped)]) == .failed, "a plan with scenes needs one")
        #expect(status([("character:a", .failed), ("character:b", .done), ("scene:x", .done), ("scene:y", .skipped)]) == .partial)
        #expect(status([("character:a", .failed), ("scene:x", .done), ("scene:y", .done)]) == .failed, "a plan with characters needs one")
    }
}
