import Foundation
import Testing

@testable import RefkitImaging

/// A tiny file of a long thin strip (10 x 30000 pixels, far under any pixel limit) must not
/// make any operation build more pixels than its source or its output.
@Suite("Long thin images", .serialized)
struct StripImageTests {
    @Test("filling a square from a strip scales the whole strip a hundredfold; the bound says no")
    func geometry() {
        let fill = ThumbnailGeometry(sourceWidth: 10, sourceHeight: 30000, boxWidth: 1024, boxHeight: 1024, fills: true, downOnly: false)
        #expect(fill.intermediatePixels > 3_000_000_000)
        #expect(!fill.isWithinBound)
        let shrinkFirst = ThumbnailGeometry(sourceWidth: 10, sourceHeight: 30000, boxWidth: 10, boxHeight: 10, fills: true, downOnly: false)
        #expect(shrinkFirst.intermediatePixels <= 300_000 && shrinkFirst.isWithinBound)
        let photo = ThumbnailGeometry(sourceWidth: 4000, sourceHeight: 3000, boxWidth: 1024, boxHeight: 1024, fills: true, downOnly: false)
        #expect(photo.isWithinBound)
        let fit = ThumbnailGeometry(sourceWidth: 10, sourceHeight: 30000, boxWidth: 2048, boxHeight: 2048, fills: false, downOnly: true)
        #expect(fit.isWithinBound)
    }

    @Test("the attention square of a 8 x 16000 PNG is made from the strip's own scale, in moments")
    func attentionSquareOfAStrip() throws {
        let strip = try ImageOps.synthesize(width: 8, height: 16000, seed: 9, format: "png")
        let started = ContinuousClock.now
        let square = try ImageOps.attentionSquare(strip, size: 1024)
        let took = ContinuousClock.now - started
        #expect(square.width == 1024 && square.height == 1024)
        // Filling the square first built 1024 x 2048000 pixels for this file (10 x 30000: ~85 s of CPU, 6.4 GB).
        #expect(took < .seconds(10), "took \(took)")
    }

    @Test("an ordinary photo still gets its square at full detail")
    func attentionSquareOfAPhoto() throws {
        let photo = try ImageOps.synthesize(width: 640, height: 480, seed: 4, format: "jpeg")
        let square = try ImageOps.attentionSquare(photo, size: 256)
        #expect(square.width == 256 && square.height == 256)
        let small = try ImageOps.attentionSquare(photo, size: 800)
        #expect(small.width == 800 && small.height == 800, "scaled up from the 480 x 480 square")
    }
}
