import Foundation
import RefkitCore
import Testing

@testable import RefkitImaging

/// Figures drawn with libvips from the colours of the drawn characters in inbox-example/.
@Suite("figure drawing")
struct FigureDrawingTests {
    static let examples = ["ada.jpg", "mira.jpg", "nova.jpg", "kenji.png", "leo.kit/1.webp"]
    static let views: [FigureView] = [
        .bust, .front, .side, .back, .threeQuarter, .halfBody, .fullBody, .expression("smile"), .scene("dock"),
    ]

    static func example(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try Array(Data(contentsOf: root.appendingPathComponent("inbox-example/\(name)")))
    }

    static func sketch(_ view: FigureView, colours: FigureColours, pastesFace: Bool = false) -> FigureSketch {
        let size = view == .scene("dock") ? (1280, 960) : (768, 1024)
        return FigureSketch(
            view: view, colours: colours, width: size.0, height: size.1, seed: 3, label: "PREVIEW · X", pastesFace: pastesFace)
    }

    @Test("colours read from each example are its own: a dark-haired character gets dark hair, not the background")
    func sampledColours() throws {
        let kenji = try ImageOps.figureSample(Self.example("kenji.png"), fallback: .seeded(1))
        #expect(kenji.colours.hair.luma < 60, "kenji's black hair read as \(kenji.colours.hair)")
        #expect(kenji.colours.outfit.red > 150 && kenji.colours.outfit.green < 90, "kenji's red top read as \(kenji.colours.outfit)")
        let leo = try ImageOps.figureSample(Self.example("leo.kit/1.webp"), fallback: .seeded(1))
        #expect(leo.colours.hair.red > 180 && leo.colours.hair.blue < 150, "leo's blond hair read as \(leo.colours.hair)")
        for name in Self.examples {
            let sample = try ImageOps.figureSample(Self.example(name), fallback: .seeded(1))
            #expect(!sample.photographic, "\(name) is drawn, yet its texture is \(sample.texture)")
            #expect(sample.colours.skin.distance(to: sample.colours.hair) > 40, "\(name)")
        }
    }

    @Test("every view of every example is a PNG of the requested size, and the same sketch gives the same bytes")
    func everyViewIsAPNG() throws {
        for name in Self.examples {
            let colours = try ImageOps.figureSample(Self.example(name), fallback: .seeded(1)).colours
            for view in Self.views {
                let sketch = Self.sketch(view, colours: colours)
                let image = try ImageOps.figure(sketch, face: nil)
                let header = try ImageOps.probe(image.data)
                #expect(image.mime == "image/png" && header.loader == "pngload_buffer", "\(name) \(view)")
                #expect(header.width == sketch.width && header.height == sketch.height, "\(name) \(view)")
                if view == .side { #expect(try ImageOps.figure(sketch, face: nil).data == image.data, "\(name) side") }
            }
        }
    }

    @Test("the back view's head shows hair, never an eye white, a pupil or a mouth")
    func backHeadHasNoFacePixels() throws {
        for name in Self.examples {
            let colours = try ImageOps.figureSample(Self.example(name), fallback: .seeded(1)).colours
            let sketch = Self.sketch(.back, colours: colours)
            let box = try #require(sketch.headBox)
            let pixels = try Self.pixels(ImageOps.figure(sketch, face: nil).data)
            var hairPixels = 0
            for y in box.y..<(box.y + box.height) {
                for x in box.x..<(box.x + box.width) {
                    let index = (y * sketch.width + x) * 3
                    let colour = RGBColour(Double(pixels[index]), Double(pixels[index + 1]), Double(pixels[index + 2]))
                    let inks = [FigureSketch.Ink.eyeWhite, FigureSketch.Ink.pupil, FigureSketch.Ink.mouth]
                    #expect(!inks.contains { $0.distance(to: colour) < 12 }, "\(name): a face ink at (\(x), \(y))")
                    if colour.distance(to: colours.hair) < 12 { hairPixels += 1 }
                }
            }
            #expect(hairPixels * 2 > box.width * box.height, "\(name): the hair covers only \(hairPixels) head pixels")
        }
    }

    @Test("a pasted face lands in the head box of the frontal views and nowhere on the back")
    func pastedFace() throws {
        // A face stand-in of one flat colour no drawing uses.
        let marker = RGBColour(10, 250, 10)
        let canvas = try VipsCanvas(width: 256, height: 256, colour: marker)
        let face = try canvas.image.encoded(as: .png)
        let colours = FigureColours.seeded(2)
        for view in [FigureView.front, .halfBody, .bust, .expression("sad"), .back, .side] {
            let sketch = Self.sketch(view, colours: colours, pastesFace: true)
            let pixels = try Self.pixels(ImageOps.figure(sketch, face: face).data)
            var markers = 0
            for index in stride(from: 0, to: pixels.count, by: 3) {
                let colour = RGBColour(Double(pixels[index]), Double(pixels[index + 1]), Double(pixels[index + 2]))
                if colour.distance(to: marker) < 10 { markers += 1 }
            }
            if view.showsFrontalFace {
                let box = try #require(sketch.headBox)
                let headArea = box.width * box.height
                #expect(markers > headArea / 2, "\(view): \(markers) face pixels")
            } else {
                #expect(markers == 0, "\(view) shows the pasted face")
            }
        }
    }

    static func pixels(_ png: [UInt8]) throws -> [UInt8] {
        try VipsImageHandle.load(png, strictness: .lenient, sequential: false).flattenedSRGB(on: .white).pixelBytes()
    }
}
