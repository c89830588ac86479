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
