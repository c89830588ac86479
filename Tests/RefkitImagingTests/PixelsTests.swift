import CVips
import RefkitTestSupport
import Testing

@testable import RefkitImaging

/// Decoded RGB pixels for analyses outside libvips, and their value operations.
@Suite("RGB pixels")
struct PixelsTests {
    @Test func decodesToPackedRGBAndShrinksOnlyDown() throws {
        let jpeg = try ImageFixtures.jpeg(seed: 4, width: 300, height: 200)
        let full = try ImageOps.rgbPixels(jpeg)
        #expect((full.width, full.height, full.bytes.count) == (300, 200, 300 * 200 * 3))
        let shrunk = try ImageOps.rgbPixels(jpeg, maxLongSide: 150)
        #expect((shrunk.width, shrunk.height) == (150, 100))
        let unchanged = try ImageOps.rgbPixels(jpeg, maxLongSide: 1000)
        #expect((unchanged.width, unchanged.height) == (300, 200))
    }

    @Test func alphaIsFlattenedOntoWhite() throws {
        // A fully transparent 4-band image: every pixel must come out white.
        let transparent = try VipsImageHandle.make(("test", "black")) { rk_vips_black($0, 16, 16, 4) }.taggedSRGB()
        #expect(transparent.hasAlpha)
        let png = try transparent.encoded(as: .png)
        let pixels = try ImageOps.rgbPixels(png)
        #expect(pixels.bytes.count == 16 * 16 * 3)
        #expect(pixels.bytes.allSatisfy { $0 == 255 })
    }

    @Test func damagedBytesAreRefusedWithTheirCode() throws {
        let jpeg = try ImageFixtures.jpeg(seed: 4, width: 300, height: 200)
        #expect(throws: ImagingError.self) { try ImageOps.rgbPixels(ImageFixtures.truncated(jpeg)) }
        #expect(throws: ImagingError.self) { try ImageOps.rgbPixels(jpeg, maxLongSide: 0) }
    }

    @Test func flippingTwiceGivesTheOriginalAndFlippingMovesColumns() throws {
        let pixels = try RGBPixels(width: 3, height: 1, bytes: [1, 1, 1, 2, 2, 2, 3, 3, 3])
        #expect(pixels.flippedHorizontally().bytes == [3, 3, 3, 2, 2, 2, 1, 1, 1])
        #expect(pixels.flippedHorizontally().flippedHorizontally() == pixels)
    }

    @Test func fillingIsClippedToTheImage() throws {
        let black = try RGBPixels.solid(width: 4, height: 2, red: 0, green: 0, blue: 0)
        let painted = black.filling(x: 2, y: -5, width: 10, height: 6, red: 9, green: 8, blue: 7)
        #expect(painted.bytes == [0, 0, 0, 0, 0, 0, 9, 8, 7, 9, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(black.filling(x: 10, y: 0, width: 2, height: 2, red: 1, green: 1, blue: 1) == black)
    }

    @Test func aWrongByteCountIsRefused() {
        #expect(throws: ImagingError.self) { try RGBPixels(width: 2, height: 2, bytes: [0, 0, 0]) }
        #expect(throws: ImagingError.self) { try RGBPixels.solid(width: 0, height: 2, red: 0, green: 0, blue: 0) }
    }
}
