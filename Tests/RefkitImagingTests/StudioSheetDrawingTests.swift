import RefkitCore
import Testing

@testable import RefkitImaging

/// A studio sheet drawn by libvips from pictures the preview provider's figure renderer makes:
/// its size, that it decodes, and the colours where the layout puts badges, outlines and placeholders.
@Suite("studio contact sheet drawing")
struct StudioSheetDrawingTests {
    /// A preview figure of `stage` at a small size (the sheet scales it either way).
    static func figure(_ stage: Stage, seed: UInt64) throws -> [UInt8] {
        let (width, height) = (stage.imageSize.width / 4, stage.imageSize.height / 4)
        let view = try #require(FigureView(stage: stage))
        let sketch = FigureSketch(view: view, colours: .seeded(seed), width: width, height: height, seed: seed, label: stage.label)
        return try ImageOps.figure(sketch, face: nil).data
    }

    static let blue = (red: 20, green: 110, blue: 220)

    /// Front passed, 3/4 failed QA, side failed outright, back a plain blue portrait that warned,
    /// then body, an expression and a scene.
    static func content() throws -> StudioSheetContent {
        let back = try ImageOps.solid(width: 300, height: 400, red: blue.red, green: blue.green, blue: blue.blue, format: "png")
        let references: [StudioSheetContent.Reference] = [
            .init(stage: .front, image: try figure(.front, seed: 1), verdict: .pass),
            .init(stage: .profile, image: try figure(.profile, seed: 2), verdict: .fail),
            .init(stage: .side, image: nil, note: "failed: safety_block"),
            .init(stage: .back, image: back, verdict: .warn),
            .init(stage: .halfBody, image: try figure(.halfBody, seed: 3)),
            .init(stage: .expression("smile"), image: try figure(.expression("smile"), seed: 4), verdict: .skipped),
            .init(stage: .scene("beach"), image: try figure(.scene("beach"), seed: 5), verdict: .pass),
        ]
        let source = try ImageOps.synthesize(width: 480, height: 640, seed: 9, format: "jpeg")
        return StudioSheetContent(
            title: "Mira the courier", details: "2026-11-23 · complete · preview preview-1", source: source, references: references)
    }

    @Test("the drawn sheet decodes at the layout's size, with badges, the fail outline and the placeholder where it says")
    func drawn() throws {
        let content = try Self.content()
        let sheet = try ImageOps.studioSheet(content)
        let layout = try ImageOps.studioSheetLayout(content)
        #expect(sheet.mime == "image/png" && sheet.width == layout.width && sheet.height == layout.height)
        #expect(layout.width >= 2048)
        try ImageOps.verifyDecode(sheet.data)
        let pixels = try ImageOps.rgbPixels(sheet.data)
        #expect(pixels.width == layout.width && pixels.height == layout.height)
        func pixel(_ x: Int, _ y: Int) -> [Double] {
            let start = y * pixels.rowStride + x * 3
            return pixels.bytes[start..<start + 3].map(Double.init)
        }
        func near(_ seen: [Double], _ colour: RGBColour, _ tolerance: Double = 1) -> Bool {
            zip(seen, colour.components).allSatisfy { abs($0 - $1) <= tolerance }
        }
        let cells = try #require(layout.rows.first?.cells)
        for cell in cells {
            guard let box = cell.badge, let badge = cell.verdict.flatMap(ContactSheetBadge.init) else { continue }
            #expect(near(pixel(box.x + 1, box.y + 1), badge.fill), "\(cell.label) badge: \(pixel(box.x + 1, box.y + 1))")
        }
        // The back's badge is over its own (blue) picture: blue just left of and just below the badge.
        let back = cells[3]
        let backBadge = try #require(back.badge)
        let blue = RGBColour(Double(Self.blue.red), Double(Self.blue.green), Double(Self.blue.blue))
        #expect(near(pixel(backBadge.x - 3, backBadge.y + 1), blue, 2) && near(pixel(backBadge.maxX - 1, backBadge.maxY + 2), blue, 2))
        let backImage = try #require(back.image)
        #expect(near(pixel(backImage.x - 2, backImage.midY), StudioSheetInk.paper), "white beside the narrower picture")
        // The failed 3/4 view is outlined in the fail red on all four sides.
        let profile = cells[1]
        let outline = try #require(profile.outline)
        let image = try #require(profile.image)
        let red = try #require(ContactSheetBadge(.fail)).fill
        for (x, y) in [(outline.x, image.midY), (outline.maxX - 1, image.midY), (image.midX, outline.y), (image.midX, outline.maxY - 1)] {
            #expect(near(pixel(x, y), red), "outline at \(x),\(y): \(pixel(x, y))")
        }
        // The failed side view: an empty grey placeholder, labelled, in its slot.
        let side = cells[2]
        #expect(side.image == nil && side.stage == .side)
        #expect(near(pixel(side.frame.x + 2, side.frame.y + 2), StudioSheetInk.placeholder))
        #expect(near(pixel(side.frame.maxX - 3, side.frame.maxY - 3), StudioSheetInk.placeholder))
        let noteBox = try #require(side.noteBox)
        let noteInk = (noteBox.y..<noteBox.maxY).contains { y in
            (noteBox.x..<noteBox.maxX).contains { near(pixel($0, y), StudioSheetInk.note, 40) }
        }
        #expect(noteInk, "the placeholder says why")
        // The title band is dark and carries white text; every caption has ink.
        #expect(near(pixel(layout.titleBand.maxX - 2, layout.titleBand.maxY - 2), StudioSheetInk.band))
        let titleInk = (layout.titleBox.y..<layout.titleBox.maxY).contains { y in
            (layout.titleBox.x..<layout.titleBox.x + 200).contains { pixel($0, y).allSatisfy { $0 > 240 } }
        }
        #expect(titleInk, "the title is written")
        for cell in layout.cells {
            let box = cell.caption
            let inked = (box.y..<box.maxY).contains { y in (box.x..<box.maxX).contains { pixel($0, y).allSatisfy { $0 < 90 } } }
            #expect(inked, "\(cell.label) is captioned")
        }
        // The skipped expression carries no badge: its corner is its own picture.
        let expression = try #require(layout.rows.first { $0.section == .expressions }?.cells.first)
        #expect(expression.badge == nil)
    }

    @Test("nothing to show is refused; a damaged picture fails the sheet, naming the stage and the decoder's reason")
    func refusals() throws {
        let empty = StudioSheetContent(title: "x", details: "", source: nil, references: [])
        #expect(throws: ImagingError.self) { try ImageOps.studioSheet(empty) }
        let whole = try Self.figure(.front, seed: 1)
        let cut = Array(whole.prefix(whole.count / 2))
        let references: [StudioSheetContent.Reference] = [.init(stage: .back, image: whole), .init(stage: .side, image: cut)]
        let damaged = StudioSheetContent(title: "x", details: "", source: nil, references: references)
        let error = try #require(throws: ImagingError.self) { try ImageOps.studioSheet(damaged) }
        #expect(error.code == ImagingError.truncatedCode && error.message.hasPrefix("stage side: "), "\(error)")
        let garbage = StudioSheetContent(title: "x", details: "", source: [1, 2, 3], references: references.prefix(1).map { $0 })
        let unreadable = try #require(throws: ImagingError.self) { try ImageOps.studioSheet(garbage) }
        #expect(unreadable.message.hasPrefix("the source: "), "\(unreadable)")
    }
}
