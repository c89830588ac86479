import Testing

@testable import RefkitCore

@Suite("KitPlan")
struct KitPlanTests {
    /// Every step after the first waits for the avatar; the avatar waits for nothing.
    func expectAvatarFirst(_ plan: KitPlan, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(plan.steps.first == KitPlan.Step(stage: .avatar, dependsOn: nil), sourceLocation: sourceLocation)
        #expect(plan.steps.dropFirst().allSatisfy { $0.dependsOn == .avatar }, sourceLocation: sourceLocation)
        #expect(plan.stages.filter { $0 == .avatar }.count == 1, sourceLocation: sourceLocation)
    }

    @Test func defaultIsTurnaround() {
        let plan = KitPlan.plan(for: Order())
        #expect(plan.stages == [.avatar, .referenceAvatar, .front, .side, .back])
        expectAvatarFirst(plan)
    }

    @Test(
        "profiles",
        arguments: [
            (StageProfile.core, ["avatar", "profile"]),
            (.turnaround, ["avatar", "reference_avatar", "front", "side", "back"]),
            (
                .extended,
                [
                    "avatar", "profile", "half_body", "full_body", "expression:smile", "expression:serious", "expression:surprised",
                    "expression:angry",
                ]
            ),
        ])
    func profile(_ profile: StageProfile, names: [String]) {
        let plan = KitPlan.plan(for: Order(stages: .profile(profile)))
        #expect(plan.stages.map(\.name) == names)
        expectAvatarFirst(plan)
    }

    @Test func extendedUsesTheOrdersExpressions() {
        let plan = KitPlan.plan(for: Order(stages: .profile(.extended), expressions: ["wink", "cry"]))
        #expect(plan.stages == [.avatar, .profile, .halfBody, .fullBody, .expression("wink"), .expression("cry")])
    }

    @Test func profileWithScenesAppendsThem() {
        let plan = KitPlan.plan(
            for: Order(stages: .profile(.core), scenes: [.init(id: "beach", description: ""), .init(id: "city", description: "")]))
        #expect(plan.stages == [.avatar, .profile, .scene("beach"), .scene("city")])
        expectAvatarFirst(plan)
    }

    @Test func explicitListPutsTheAvatarFirst() {
        let plan = KitPlan.plan(for: Order(stages: .list([.back, .front, .avatar])))
        #expect(plan.stages == [.avatar, .back, .front])
        expectAvatarFirst(plan)
        // The avatar is made even when the list leaves it out: everything else is conditioned on it.
        let withoutAvatar = KitPlan.plan(for: Order(stages: .list([.fullBody])))
        #expect(withoutAvatar.stages == [.avatar, .fullBody])
        expectAvatarFirst(withoutAvatar)
    }

    @Test func explicitListWithExpressionsAndScenes() {
        let order = Order(
            stages: .list([.front, .expression("smile"), .scene("beach")]), expressions: ["smile", "wink"],
            scenes: [.init(id: "beach", description: "sand"), .init(id: "city", description: "neon")])
        let plan = KitPlan.plan(for: order)
        #expect(plan.stages == [.avatar, .front, .expression("smile"), .scene("beach"), .expression("wink"), .scene("city")])
        expectAvatarFirst(plan)
    }

    @Test func characterStagesBelongToTextPlansOnly() {
        let plan = KitPlan.plan(for: Order(stages: .list([.front, .character("bo")])))
        #expect(plan.stages == [.avatar, .front])
    }

    @Test func textOnlyPlanMakesCharactersThenScenes() {
        let order = Order(
            stages: .profile(.extended),
            scenes: [.init(id: "duel", description: ""), .init(id: "feast", description: "")],
            characters: [.init(name: "ana"), .init(name: "bo"), .init(name: "cy")])
        let plan = KitPlan.plan(for: order)
        #expect(
            plan.steps == [
                .init(stage: .character("ana"), dependsOn: nil),
                .init(stage: .character("bo"), dependsOn: nil),
                .init(stage: .character("cy"), dependsOn: nil),
                .init(stage: .scene("duel"), dependsOn: .character("ana")),
                .init(stage: .scene("feast"), dependsOn: .character("ana")),
            ])
        // No avatar, whatever the order's stages say.
        #expect(!plan.stages.contains(.avatar))
    }

    @Test func textOnlyPlanWithoutScenes() {
        let plan = KitPlan.plan(for: Order(characters: [.init(name: "solo")]))
        #expect(plan.steps == [.init(stage: .character("solo"), dependsOn: nil)])
    }

    @Test func duplicatesAreRemoved() {
        let order = Order(
            stages: .list([.front, .avatar, .front, .scene("x"), .avatar, .expression("smile"), .expression("smile")]),
            expressions: ["smile", "smile"],
            scenes: [.init(id: "x", description: ""), .init(id: "x", description: "again"), .init(id: "y", description: "")])
        let plan = KitPlan.plan(for: order)
        #expect(plan.stages == [.avatar, .front, .scene("x"), .expression("smile"), .scene("y")])
        #expect(Set(plan.stages).count == plan.stages.count)
        expectAvatarFirst(plan)
    }

    @Test func textOnlyDuplicatesAreRemoved() {
        let order = Order(
            scenes: [.init(id: "duel", description: ""), .init(id: "duel", description: "")],
            characters: [.init(name: "ana"), .init(name: "ana"), .init(name: "bo")])
        let plan = KitPlan.plan(for: order)
        #expect(plan.stages == [.character("ana"), .character("bo"), .scene("duel")])
    }

    @Test func planFromAValidatedOrder() throws {
        let order = try OrderValidator.validate(bytes: Array(#"{"stages": "core", "scenes": [{"id": "a"}], "expressions": ["x"]}"#.utf8))
        #expect(KitPlan.plan(for: order).stages == [.avatar, .profile, .scene("a")])
    }
}

@Suite("Stage")
struct StageTests {
    static let all: [Stage] = Stage.views + [.expression("smile"), .scene("beach-2"), .character("Bo_1")]

    @Test("names parse back", arguments: all)
    func nameRoundTrip(_ stage: Stage) {
        #expect(Stage(name: stage.name) == stage)
    }

    @Test(
        "invalid names",
        arguments: ["", "Avatar", "expression:", "scene:a b", "scene:../x", "character", "pose:x", "expression:-x", "halfbody"])
    func invalidNames(_ name: String) {
        #expect(Stage(name: name) == nil)
    }

    @Test func fileNamesAndLabels() {
        #expect(Stage.halfBody.fileName == "half_body.png")
        #expect(Stage.expression("smile").fileName == "expressions/smile.png")
        #expect(Stage.scene("beach").fileName == "scenes/beach.png")
        #expect(Stage.character("ana").fileName == "characters/ana.png")
        #expect(Stage.profile.label == "3/4 PROFILE")
        #expect(Stage.expression("smile").label == "EXPRESSION · SMILE")
    }

    @Test func sortingFollowsTheKitOrder() {
        let shuffled: [Stage] = [.scene("a"), .expression("b"), .back, .avatar, .character("z"), .front, .expression("a")]
        #expect(shuffled.sorted() == [.avatar, .front, .back, .character("z"), .expression("a"), .expression("b"), .scene("a")])
    }

    @Test func lockedReference() {
        #expect(!Stage.avatar.needsLockedReference)
        #expect(!Stage.character("a").needsLockedReference)
        #expect(Stage.front.needsLockedReference)
        #expect(Stage.scene("a").needsLockedReference)
    }
}
