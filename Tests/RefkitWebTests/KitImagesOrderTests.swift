import RefkitCore
import Testing

@testable import RefkitWeb

/// Issue 17, item 2: the images route and the id `refkit make` gives images, from values alone.
@Suite("Kit images order")
struct KitImagesOrderTests {
    @Test func theRouteIsAPostOnAKit() {
        #expect(WebRoute.match(method: "POST", path: "/api/v1/kits/mira/images") == .success(.images("mira")))
        #expect(WebRoute.match(method: "GET", path: "/api/v1/kits/mira/images") == .failure(.method(["POST"])))
        #expect(WebRoute.images("mira").isAPI)
        #expect(WebRoute.match(method: "POST", path: "/kits/mira/images") == .success(.formImages("mira")))
        #expect(!WebRoute.formImages("mira").isAPI)
        #expect(WebLinks.images("mira") == "/kits/mira/images")
    }

    @Test func theKitPagesFormBecomesAnEntry() {
        let form = WebForm("prompt=+dancing+in+the+rain+&count=3&aspect=16%3A9&negative_prompt=&keep_outfit=yes")
        #expect(
            KitImagesOrder.entry(fromForm: form, taken: ["dancing-in-the-rain"])
                == .object([
                    ("id", .string("dancing-in-the-rain-2")), ("prompt", .string("dancing in the rain")), ("count", .integer(3)),
                    ("aspect", .string("16:9")), ("keep_outfit", .bool(true)),
                ]))
        // What is not a number is passed on, for the validator to name.
        let bad = KitImagesOrder.entry(fromForm: WebForm("prompt=x&count=many&id=mine"), taken: [])
        #expect(bad == .object([("id", .string("mine")), ("prompt", .string("x")), ("count", .string("many"))]))
    }

    @Test func anIdIsMadeFromThePromptsFirstWordsAndKeptFree() {
        #expect(KitImagesOrder.freeID(prompt: "Wearing a red dress at sunset", taken: []) == "wearing-a-red-dress")
        #expect(KitImagesOrder.freeID(prompt: "Wearing a red dress, again", taken: ["wearing-a-red-dress"]) == "wearing-a-red-dress-2")
        #expect(
            KitImagesOrder.freeID(prompt: "wearing a red dress", taken: ["wearing-a-red-dress", "wearing-a-red-dress-2"])
                == "wearing-a-red-dress-3")
        #expect(KitImagesOrder.freeID(prompt: "!!! ???", taken: []) == "image")
        let long = KitImagesOrder.freeID(prompt: String(repeating: "supercalifragilistic ", count: 5), taken: [])
        #expect(long.count <= 40 && SafeName.isSafeIdentifier(long) && !long.hasSuffix("-"))
    }

    @Test func theKitsImageIdsAreThoseOfItsMadeImages() {
        let stages: [Stage] = [.avatar, .image(id: "a-b", n: 1), .image(id: "a-b", n: 2), .scene("x"), .image(id: "c", n: 1)]
        #expect(KitImagesOrder.imageIDs(of: stages) == ["a-b", "c"])
    }
}
