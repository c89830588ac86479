import RefkitCore
import Testing

@testable import RefkitImaging

/// The contact sheet marks each tile with its reference's QA verdict: the geometry and colours
/// are values (tested without images), and a drawn sheet has the colours where the layout says.
@Suite("QA badges on the contact sheet")
struct ContactSheetBadgeTests {
    @Test("the badge sits in the top-right corner of each picture area, inside the padding", arguments: [64, 256, 384])
    func geometry(cell: Int) {
        let layout = ContactSheetLayout(count: 6, columns: 4, cell: cell)
        for index in 0..<6 {
            let (x, y) = layout.origin(of: index)
            let badge = layout.badge(of: index)
            #expect(badge.x + badge.width == x + cell - layout.padding, "flush with the picture's right edge")
            #expect(badge.y == y + layout.padding)
            #expect(badge.x > x + cell / 2, "in the right half of the tile")
            #expect(badge.height >= 8 && badge.height <= cell / 4 && badge.width == 3 * badge.height)
        }
    }

    @Test("pass is green, warn amber, fail red, each with its word; a skipped reference has no badge")
    func colours() throws {
        let pass = try #require(ContactSheetBadge(.pass))
        let warn = try #require(ContactSheetBadge(.warn))
        let fail = try #require(ContactSheetBadge(.fail))
        #expect(ContactSheetBadge(.skipped) == nil)
        #expect([pass.word, warn.word, fail.word] == ["PASS", "WARN", "FAIL"])
        #expect(pass.fill.green > pass.fill.red && pass.fill.green > pass.fill.blue)
        #expect(fail.fill.red > 2 * fail.fill.green && fail.fill.red > 2 * fail.fill.blue)
        #expect(warn.fill.red > warn.fill.blue && warn.fill.green > warn.fill.blue)
        for badge in [pass, warn, fail] {
            let contrast = abs(badge.fill.red + badge.fill.green + badge.fill.blue - badge.ink.red - badge.ink.green - badge.ink.blue)
            #expect(contrast > 200, "\(badge.word) is legible")
        }
    }

    @Test("a drawn sheet has each verdict's colour in its tile's badge and none on unchecked tiles")
    func drawn() throws {
        let marks: [QAVerdict?] = [.pass, .warn, .fail, .skipped, nil]
        let grey = try ImageOps.solid(width: 240, height: 240, red: 128, green: 128, blue: 128, format: "png")
        let items = marks.indices.map { (bytes: grey, label: "view \($0)") }
        let sheet = try ImageOps.contactSheet(items, marks: marks, columns: 3, cell: 128)
        let layout = ContactSheetLayout(count: items.count, columns: 3, cell: 128)
        let pixels = try ImageOps.rgbPixels(sheet.data)
        #expect(pixels.width == layout.width && pixels.height == layout.height)
        func pixel(_ x: Int, _ y: Int) -> [Double] {
            let start = y * pixels.rowStride + x * 3
            return pixels.bytes[start..<start + 3].map(Double.init)
        }
        for (index, mark) in marks.enumerated() {
            let box = layout.badge(of: index)
            // Just inside the badge's corner: the fill, never the word (the word is centred with an inset).
            let seen = pixel(box.x + 1, box.y + 1)
            if let badge = mark.flatMap(ContactSheetBadge.init) {
                #expect(zip(seen, badge.fill.components).allSatisfy { abs($0 - $1) <= 1 }, "\(badge.word) badge: \(seen)")
                let word = (box.y..<box.y + box.height).flatMap { y in (box.x..<box.x + box.width).map { pixel($0, y) } }
                #expect(word.contains { zip($0, badge.ink.components).allSatisfy { abs($0 - $1) <= 40 } }, "\(badge.word) is written")
            } else {
                #expect(seen.allSatisfy { abs($0 - 128) <= 2 }, "tile \(index) is the picture itself: \(seen)")
            }
        }
        let unmarked = try ImageOps.contactSheet(items, columns: 3, cell: 128)
        #expect(unmarked.data != sheet.data, "the marks changed the sheet")
        #expect(throws: ImagingError.self, "more marks than images") { try ImageOps.contactSheet(items, marks: marks + [.pass]) }
    }
}
