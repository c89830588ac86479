import Testing

@testable import RefkitCore

/// Issue 17, item 2: the order key `images`, its stages and its prompt, from values alone.
@Suite("Images made from a kit")
struct OrderImagesTests {
    func validate(_ text: String) throws(RefkitError) -> Order {
        try OrderValidator.validate(bytes: Array(text.utf8))
    }

    static let rejected: [RejectedOrder] = [
        .init(json: #"{"kit": "m", "images": {}}"#, code: "order_wrong_type", path: "$.images"),
        .init(json: #"{"kit": "m", "images": []}"#, code: "order_invalid_value", path: "$.images"),
        .init(json: #"{"kit": "m", "images": ["x"]}"#, code: "order_wrong_type", path: "$.images[0]"),
        .init(json: #"{"kit": "m", "images": [{"prompt": "x"}]}"#, code: "order_missing_field", path: "$.images[0].id"),
        .init(json: #"{"kit": "m", "images": [{"id": "a"}]}"#, code: "order_missing_field", path: "$.images[0].prompt"),
        .init(json: #"{"kit": "m", "images": [{"id": "a", "prompt": "  "}]}"#, code: "order_invalid_value", path: "$.images[0].prompt"),
        .init(json: #"{"kit": "m", "images": [{"id": "a b", "prompt": "x"}]}"#, code: "order_unsafe_name", path: "$.images[0].id"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x"}, {"id": "b", "prompt": "y", "count": 9}]}"#,
            code: "order_invalid_value", path: "$.images[1].count"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "count": 0}]}"#, code: "order_invalid_value",
            path: "$.images[0].count"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "count": 1.5}]}"#, code: "order_wrong_type",
            path: "$.images[0].count"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "aspect": "2:1"}]}"#, code: "order_invalid_value",
            path: "$.images[0].aspect"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "keep_outfit": "yes"}]}"#, code: "order_wrong_type",
            path: "$.images[0].keep_outfit"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "provider": "f/al"}]}"#, code: "order_invalid_value",
            path: "$.images[0].provider"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "model": ""}]}"#, code: "order_invalid_value",
            path: "$.images[0].model"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x", "seed": 3}]}"#, code: "order_unknown_key", path: "$.images[0].seed"),
        .init(
            json: #"{"kit": "m", "images": [{"id": "a", "prompt": "x"}, {"id": "a", "prompt": "y"}]}"#, code: "order_duplicate_id",
            path: "$.images[1].id"),
        .init(json: #"{"kit": "m", "select": 1, "images": [{"id": "a", "prompt": "x"}]}"#, code: "order_invalid_control", path: "$.images"),
        .init(
            json: #"{"characters": [{"name": "a"}], "images": [{"id": "a", "prompt": "x"}]}"#, code: "order_invalid_value", path: "$.images"
        ),
        .init(json: #"{"stages": ["avatar", "image:a-1"]}"#, code: "order_invalid_value", path: "$.stages[1]"),
    ]

    @Test("rejections carry the code and the JSON path", arguments: rejected)
    func rejectsWithPath(_ c: RejectedOrder) {
        do {
            let order = try validate(c.json)
            Issue.record("accepted: \(order)")
        } catch {
            #expect(error.code.rawValue == c.code, "\(error)")
            #expect(error.detail == c.path || error.detail.hasPrefix(c.path + " "), "\(error)")
        }
    }

    @Test func defaultsAndEveryFieldAreRead() throws {
        let order = try validate(
            #"{"kit": "mira", "images": [{"id": "cafe", "prompt": "in a coffee shop"}, {"id": "dress", "prompt": "a red dress", "#
                + #""count": 4, "negative_prompt": "hat", "aspect": "3:4", "keep_outfit": true, "provider": "fal", "model": "fal-ai/x"}]}"#)
        #expect(
            order.images == [
                Order.ImageRequest(id: "cafe", prompt: "in a coffee shop"),
                Order.ImageRequest(
                    id: "dress", prompt: "a red dress", count: 4, negativePrompt: "hat", aspect: .portrait, keepOutfit: true,
                    provider: "fal",
                    model: "fal-ai/x"),
            ])
        #expect(order.images[0].count == 1 && order.images[0].aspect == .square && !order.images[0].keepOutfit)
        // What is stored is read back to the same order.
        #expect(try OrderValidator.validate(json: order.jsonValue) == order)
    }

    @Test func stageNamesFilesAndSizes() {
        let stage = Stage.image(id: "red-dress", n: 3)
        #expect(stage.name == "image:red-dress-3")
        #expect(Stage(name: "image:red-dress-3") == stage, "the id may hold dashes: N is after the last one")
        #expect(stage.fileName == "images/red-dress-3.png")
        #expect(stage.needsLockedReference)
        for bad in ["image:red", "image:red-0", "image:red-9", "image:red-03", "image:-1", "image:a b-1"] {
            #expect(Stage(name: bad) == nil, "\(bad)")
        }
        #expect(ImageAspect.allCases.map(\.rawValue) == ["1:1", "3:4", "4:3", "16:9", "9:16"])
        for aspect in ImageAspect.allCases {
            let (w, h) = aspect.size
            let parts = aspect.rawValue.split(separator: ":").compactMap { Double($0) }
            #expect(abs(Double(w) / Double(h) - parts[0] / parts[1]) < 0.01, "\(aspect)")
            #expect(w % 16 == 0 && h % 16 == 0)
        }
    }

    @Test func followUpsAndFirstOrdersPlanEachImageAfterTheAvatar() throws {
        let followUp = try validate(#"{"kit": "mira", "images": [{"id": "cafe", "prompt": "x", "count": 3}, {"id": "b", "prompt": "y"}]}"#)
        let plan = KitPlan.followUp(for: followUp)
        #expect(plan.stages == [.image(id: "cafe", n: 1), .image(id: "cafe", n: 2), .image(id: "cafe", n: 3), .image(id: "b", n: 1)])
        #expect(plan.steps.allSatisfy { $0.dependsOn == .avatar })
        let first = try validate(#"{"stages": "core", "images": [{"id": "cafe", "prompt": "x", "count": 2}]}"#)
        let firstPlan = KitPlan.plan(for: first)
        #expect(firstPlan.stages == [.avatar, .profile, .image(id: "cafe", n: 1), .image(id: "cafe", n: 2)])
        #expect(firstPlan.steps.dropFirst().allSatisfy { $0.dependsOn == .avatar })
    }

    @Test func foldedOrdersAddImagesAndALaterEntryOfAnIdWins() {
        var a = Order(kit: "mira")
        a.images = [Order.ImageRequest(id: "cafe", prompt: "old"), Order.ImageRequest(id: "park", prompt: "p")]
        var b = Order(kit: "mira")
        b.images = [Order.ImageRequest(id: "cafe", prompt: "new", count: 2)]
        let folded = Order.folded([a, b])
        #expect(folded.images.map(\.id) == ["park", "cafe"])
        #expect(folded.imageRequest(for: .image(id: "cafe", n: 2))?.prompt == "new")
        #expect(folded.imageRequest(for: .side) == nil)
    }

    @Test func thePromptIsTheUsersWithTheIdentityAndTheOutfitOnlyWhenAsked() {
        let mira = Order.Character(name: "Mira", attributes: [("gender", "woman"), ("outfit", "a denim jacket")])
        let free = Prompts.madeImage(Order.ImageRequest(id: "d", prompt: "wearing a red dress at sunset"), character: mira)
        #expect(free.hasPrefix("wearing a red dress at sunset."), "the user's words first: \(free)")
        #expect(free.contains("same face"))
        #expect(!free.contains("same outfit") && !free.contains("denim jacket"), "nothing contradicts the dress: \(free)")
        let kept = Prompts.madeImage(Order.ImageRequest(id: "d", prompt: "reading on a train", keepOutfit: true), character: mira)
        #expect(kept.contains("same outfit") && kept.contains("denim jacket"), "\(kept)")
        let anonymous = Prompts.madeImage(Order.ImageRequest(id: "d", prompt: "Dancing!"), character: Order.Character())
        #expect(anonymous.hasPrefix("Dancing! Keep the character exactly as in the reference images"), "\(anonymous)")
    }
}
