import CVips
import Testing

@testable import RefkitImaging

@Suite("normaliseSource")
struct NormaliseTests {
    @Test("EXIF orientation 6 turns 600 x 400 into 400 x 600 and GPS does not survive")
    func orientationAndGPS() throws {
        let source = try ImageOps.synthesize(
            width: 600, height: 400, seed: 7, format: "jpeg", orientation: 6,
            metadata: ["exif-ifd3-GPSLatitudeRef": "N", "exif-ifd3-GPSLatitude": "51/1 30/1 0/1"]
        )
        let header = try ImageOps.probe(source)
        #expect(header.width == 600 && header.height == 400 && header.orientation == 6)
        #expect(try Fixtures.fields(source).contains("exif-ifd3-GPSLatitude"))

        let out = try ImageOps.normaliseSource(source)
        #expect(out.width == 400 && out.height == 600 && out.mime == "image/jpeg")
        let outHeader = try ImageOps.probe(out.data)
        #expect(outHeader.width == 400 && outHeader.height == 600 && outHeader.orientation == 1)
        let fields = try Fixtures.fields(out.data)
        #expect(!fields.contains("exif-data"))
        #expect(!fields.contains { $0.hasPrefix("exif-") || $0 == "xmp-data" || $0 == "icc-profile-data" })
        #expect(!Fixtures.contains(out.data, "Exif"))
    }

    @Test("CMYK JPEG becomes 3-band sRGB")
    func cmyk() throws {
        let cmyk = try Fixtures.converted(Fixtures.jpeg(), to: VIPS_INTERPRETATION_CMYK, as: .jpeg)
        let header = try ImageOps.probe(cmyk)
        #expect(header.bands == 4 && header.interpretation == "cmyk")
        let out = try ImageOps.normaliseSource(cmyk)
        let outHeader = try ImageOps.probe(out.data)
        #expect(outHeader.bands == 3 && outHeader.interpretation == "srgb")
    }

    @Test("an embedded P3 profile is converted to sRGB, not just stripped")
    func displayP3() throws {
        let source = try Fixtures.jpeg(320, 240, seed: 4)
        let p3 = try Fixtures.withProfile(source, profile: "p3")
        #expect(try Fixtures.fields(p3).contains("icc-profile-data"))
        let reference = try ImageOps.normaliseSource(source, quality: 95)
        let managed = try ImageOps.normaliseSource(p3, quality: 95)
        #expect(!(try Fixtures.fields(managed.data).contains("icc-profile-data")))
        // Unmanaged, P3 numbers read as sRGB drift further than JPEG round trips do.
        let unmanaged = try Fixtures.meanDifference(p3, source)
        let drift = try Fixtures.meanDifference(managed.data, reference.data)
        #expect(drift < 2.5)
        #expect(drift < unmanaged / 2)
    }

    @Test("16-bit, greyscale and RGBA PNGs become 3-band 8-bit sRGB", arguments: ["rgb16", "grey", "rgba"])
    func pngVariants(variant: String) throws {
        let base = try Fixtures.png(300, 200)
        let input: [UInt8] =
            switch variant {
            case "rgb16": try Fixtures.converted(base, to: VIPS_INTERPRETATION_RGB16, as: .png)
            case "grey": try Fixtures.converted(base, to: VIPS_INTERPRETATION_B_W, as: .png)
            default: try Fixtures.withAlpha(base, alpha: 255)
            }
        let expectedBands = ["rgb16": 3, "grey": 1, "rgba": 4][variant]
        #expect(try ImageOps.probe(input).bands == expectedBands)
        let out = try ImageOps.normaliseSource(input)
        let header = try ImageOps.probe(out.data)
        #expect(header.bands == 3 && header.interpretation == "srgb")
        #expect(out.width == 300 && out.height == 200)
    }

    @Test("transparent pixels are flattened onto white")
    func alphaOnWhite() throws {
        let transparent = try Fixtures.withAlpha(Fixtures.png(64, 64), alpha: 0)
        let out = try ImageOps.normaliseSource(transparent)
        #expect(try Fixtures.mean(out.data) > 250)
    }

    @Test("long side is bounded and small images are never upscaled")
    func bounds() throws {
        let wide = try ImageOps.normaliseSource(Fixtures.jpeg(3000, 1000))
        #expect(wide.width == 2048 && abs(wide.height - 683) <= 1)
        let tall = try ImageOps.normaliseSource(Fixtures.png(300, 900), maxLongSide: 450)
        #expect(tall.height == 450 && tall.width == 150)
        let small = try ImageOps.normaliseSource(Fixtures.jpeg(300, 200))
        #expect(small.width == 300 && small.height == 200)
        let header = try ImageOps.probe(wide.data)
        #expect(header.width == wide.width && header.height == wide.height)
    }

    @Test("a truncated source is refused, not normalised")
    func truncatedSource() throws {
        let cut = Fixtures.cutInHalf(try Fixtures.jpeg(640, 480))
        let error = #expect(throws: ImagingError.self) { _ = try ImageOps.normaliseSource(cut) }
        #expect(error?.code == "image_truncated")
        let square = #expect(throws: ImagingError.self) { _ = try ImageOps.attentionSquare(cut, size: 64) }
        #expect(square?.code == "image_truncated")
        let canvas = #expect(throws: ImagingError.self) {
            _ = try ImageOps.labelledCanvas(cut, label: "x", width: 128, height: 128, seed: 0)
        }
        #expect(canvas?.code == "image_truncated")
    }

    @Test("concurrent callers each get their own correct result")
    func concurrent() async throws {
        let sizes = (0..<8).map { (400 + 40 * $0, 300 + 20 * $0) }
        let inputs = try sizes.map { try Fixtures.jpeg($0.0, $0.1, seed: UInt64($0.0)) }
        let results = try await withThrowingTaskGroup(of: (Int, EncodedImage).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask { (index, try ImageOps.normaliseSource(input, maxLongSide: 256)) }
            }
            return try await group.reduce(into: [Int: EncodedImage]()) { $0[$1.0] = $1.1 }
        }
        for (index, size) in sizes.enumerated() {
            #expect(results[index]?.width == 256)
            #expect(results[index]?.height == Int((Double(size.1) * 256 / Double(size.0)).rounded()))
        }
    }
}
