import RefkitCore
import Testing

@testable import RefkitImaging

/// The figure sketch as a value: its layout and colour reading, without drawing anything.
@Suite("figure sketch layout")
struct FigureSketchTests {
    static let colours = FigureColours(
        hair: RGBColour(120, 60, 30), skin: RGBColour(230, 190, 150), outfit: RGBColour(40, 90, 170), background: RGBColour(220, 225, 240))

    static func sketch(_ view: FigureView, width: Int = 768, height: Int = 1024, pastesFace: Bool = false) -> FigureSketch {
        FigureSketch(view: view, colours: colours, width: width, height: height, seed: 7, label: "PREVIEW", pastesFace: pastesFace)
    }

    static func count(_ part: FigurePart, in view: FigureView) -> Int {
        sketch(view).shapes().filter { $0.part == part }.count
    }

    @Test("every stage but the avatar, its candidates, text-only characters and swaps is a drawn view")
    func stagesToViews() {
        #expect(FigureView(stage: .avatar) == nil)
        #expect(FigureView(stage: .candidate(2)) == nil)
        #expect(FigureView(stage: .character("captain")) == nil)
        #expect(FigureView(stage: .swap("beach")) == nil)
        #expect(FigureView(stage: .profile) == .threeQuarter)
        #expect(FigureView(stage: .referenceAvatar) == .bust)
        #expect(FigureView(stage: .expression("smile")) == .expression("smile"))
        #expect(FigureView(stage: .scene("dock")) == .scene("dock"))
    }

    @Test("the back view has no eyes, pupils, brows, mouth or nose; the hair covers the head")
    func backHasNoFace() throws {
        for part in [FigurePart.eye, .pupil, .brow, .mouth, .nose] {
            #expect(Self.count(part, in: .back) == 0, "\(part)")
        }
        let shapes = Self.sketch(.back).shapes()
        let headIndex = try #require(shapes.firstIndex { $0.part == .head })
        let head = shapes[headIndex]
        let hairOnTop = shapes[(headIndex + 1)...].filter { $0.part == .hair && $0.colour == Self.colours.hair }
        #expect(!hairOnTop.isEmpty)
        // Every point of the head is under hair drawn after it.
        let box = head.bounds
        for y in stride(from: box.y + 2, to: box.y + box.height - 2, by: 4) {
            for x in stride(from: box.x + 2, to: box.x + box.width - 2, by: 4) where head.coverage(x: Double(x), y: Double(y)) == 1 {
                let covered = hairOnTop.contains { $0.coverage(x: Double(x), y: Double(y)) == 1 }
                #expect(covered, "head point (\(x), \(y)) shows through the hair")
            }
        }
    }

    @Test("the side view is a profile: one eye without a white, a nose bump, one mouth; the front has two eyes")
    func sideIsAProfile() {
        #expect(Self.count(.eye, in: .side) == 0)
        #expect(Self.count(.pupil, in: .side) == 1)
        #expect(Self.count(.nose, in: .side) == 1)
        #expect(Self.count(.mouth, in: .side) == 1)
        #expect(Self.count(.eye, in: .front) == 2)
        #expect(Self.count(.pupil, in: .front) == 2)
        #expect(Self.count(.eye, in: .threeQuarter) == 2)
        // The profile's nose sticks out past the head's left edge: it faces left.
        let shapes = Self.sketch(.side).shapes()
        let head = shapes.first { $0.part == .head }!.bounds
        let nose = shapes.first { $0.part == .nose }!.bounds
        #expect(nose.x < head.x)
    }

    @Test("expressions differ in face and in layout; unknown names get a stable seeded variant")
    func expressionsDiffer() {
        let names = ["smile", "serious", "surprised", "angry", "sad", "laughing", "happy", "neutral", "wink", "scared", "thinking"]
        let faces = names.map(FigureExpression.named)
        for i in faces.indices {
            #expect(faces[i].layout != FigureExpression.layouts[0], "\(names[i]) uses the plain bust's layout")
            for j in faces.indices where j > i {
                #expect(faces[i] != faces[j], "\(names[i]) and \(names[j]) look alike")
                #expect(faces[i].layout != faces[j].layout, "\(names[i]) and \(names[j]) share a layout")
            }
        }
        #expect(FigureExpression.named("smug") == FigureExpression.named("smug"))
        #expect(FigureExpression.named("Smile") == FigureExpression.named("smile"))
        #expect(!FigureExpression.layouts.contains(FigureExpression.named("smug").layout))
        #expect(FigureExpression.named("smug").layout != FigureExpression.named("proud").layout)
        let smile = Self.sketch(.expression("smile")).shapes()
        let sad = Self.sketch(.expression("sad")).shapes()
        #expect(smile.filter { $0.part == .mouth } != sad.filter { $0.part == .mouth })
        #expect(smile.filter { $0.part == .backdrop } != sad.filter { $0.part == .backdrop })
    }

    @Test("a pasted face replaces the drawn one only on views that show a frontal face")
    func pastedFace() throws {
        let front = Self.sketch(.front, pastesFace: true)
        #expect(front.pastesFace)
        #expect(front.shapes().allSatisfy { ![.eye, .pupil, .mouth, .head].contains($0.part) })
        let box = try #require(front.headBox)
        #expect(box.width > 100 && box.y >= 0)
        for view in [FigureView.back, .side, .threeQuarter, .scene("dock")] {
            #expect(!Self.sketch(view, pastesFace: true).pastesFace, "\(view)")
        }
        #expect(Self.count(.pupil, in: .back) == 0)
    }

    @Test("shapes cover their inside, not their outside, with a one-pixel ramp")
    func coverage() {
        let disc = FigureShape(.head, .ellipse(centre: .init(50, 50), radiusX: 20, radiusY: 10), Self.colours.skin)
        #expect(disc.coverage(x: 50, y: 50) == 1)
        #expect(disc.coverage(x: 50, y: 65) == 0)
        #expect(disc.coverage(x: 70, y: 50) == 0.5)
        let limb = FigureShape(.arm, .stroke([.init(0, 0), .init(100, 0)], width: 10), Self.colours.outfit)
        #expect(limb.coverage(x: 50, y: 4) == 1 && limb.coverage(x: 50, y: 6) == 0)
        let triangle = FigureShape(.backdrop, .polygon([.init(0, 0), .init(100, 0), .init(0, 100)]), Self.colours.background)
        let reversed = FigureShape(.backdrop, .polygon([.init(0, 100), .init(100, 0), .init(0, 0)]), Self.colours.background)
        #expect(triangle.coverage(x: 20, y: 20) == 1 && triangle.coverage(x: 80, y: 80) == 0)
        #expect(reversed.coverage(x: 20, y: 20) == 1 && reversed.coverage(x: 80, y: 80) == 0)
        let nothing = FigureShape(.mouth, .stroke([], width: 4), Self.colours.skin)
        #expect(nothing.bounds.width == 0 && nothing.coverage(x: 0, y: 0) == 0)
        #expect(FigureShape(.backdrop, .polygon([]), Self.colours.skin).bounds.height == 0)
        let rounded = FigureShape(.torso, .box(x: 0, y: 0, width: 100, height: 100, corner: 30), Self.colours.outfit)
        #expect(rounded.coverage(x: 2, y: 2) == 0 && rounded.coverage(x: 50, y: 2) == 1)
    }

    @Test("colour words in a prompt colour the hair and outfit; the rest follows the kit")
    func describedColours() {
        let text = "Mira, a young adult woman (human) with short wavy auburn hair and green eyes, wearing a blue sweater — a courier"
        let colours = FigureColours.described(text, key: "mira")
        #expect(colours.hair == ColourNames.table.first { $0.0 == "auburn" }!.1)
        #expect(colours.outfit == ColourNames.table.first { $0.0 == "blue" }!.1)
        #expect(FigureColours.described("dark brown hair", key: "x").hair == RGBColour(70, 45, 30))
        #expect(FigureColours.described("no colours here", key: "a") == FigureColours.described("nothing", key: "a"))
    }

    @Test("sampling reads hair, skin, outfit and background from a drawn portrait, and sees it is not a photo")
    func sampling() {
        let (width, height) = (60, 80)
        let background = RGBColour(200, 210, 230)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let colour: RGBColour =
                    if y >= 66, x >= 10, x < 50 { Self.colours.outfit } else if y >= 3, y < 24, x >= 15, x < 45 {
                        Self.colours.hair
                    } else if y >= 24, y < 50, x >= 18, x < 42 { Self.colours.skin } else { background }
                let index = (y * width + x) * 3
                (pixels[index], pixels[index + 1], pixels[index + 2]) = (UInt8(colour.red), UInt8(colour.green), UInt8(colour.blue))
            }
        }
        let fallback = FigureColours(
            hair: RGBColour(30, 25, 20), skin: RGBColour(200, 150, 110), outfit: RGBColour(200, 40, 40), background: .white)
        let sample = FigureSample(pixels: pixels, width: width, height: height, fallback: fallback)
        #expect(
            sample.colours
                == FigureColours(hair: Self.colours.hair, skin: Self.colours.skin, outfit: Self.colours.outfit, background: background))
        #expect(!sample.photographic)
        // Seeded noise has texture everywhere: it counts as a photograph.
        var random = SeededGenerator(seed: 5)
        let noisy = pixels.map { UInt8(clamping: Int($0) + random.below(41) - 20) }
        #expect(FigureSample(pixels: noisy, width: width, height: height, fallback: fallback).photographic)
        // A close-up whose head region is all skin keeps hair apart from the skin.
        let bald = pixels.enumerated().map { index, value in
            let pixel = index / 3
            let (x, y) = (pixel % width, pixel / width)
            guard y >= 3, y < 24, x >= 15, x < 45 else { return value }
            return [UInt8(Self.colours.skin.red), UInt8(Self.colours.skin.green), UInt8(Self.colours.skin.blue)][index % 3]
        }
        let closeUp = FigureSample(pixels: bald, width: width, height: height, fallback: fallback)
        #expect(closeUp.colours.skin == Self.colours.skin)
        #expect(closeUp.colours.hair.distance(to: Self.colours.skin) >= 48)
        // A picture of background only keeps the fallback's hair, skin and outfit.
        let plain = [UInt8](repeating: 200, count: width * height * 3)
        let empty = FigureSample(pixels: plain, width: width, height: height, fallback: fallback)
        #expect(empty.colours.hair == fallback.hair && empty.colours.outfit == fallback.outfit)
    }
}
