import Testing

@testable import RefkitImaging

@Suite("synthesize")
struct SynthesizeTests {
    @Test(
        "every format round-trips through probe and decodes",
        arguments: [
            ("jpeg", "jpegload_buffer"), ("png", "pngload_buffer"), ("webp", "webpload_buffer"),
            ("heif", "heifload_buffer"), ("avif", "heifload_buffer"), ("gif", "gifload_buffer"),
        ])
    func roundTrip(format: String, loader: String) throws {
        let bytes = try ImageOps.synthesize(width: 160, height: 96, seed: 5, format: format)
        let header = try ImageOps.probe(bytes)
        #expect(header.width == 160 && header.height == 96)
        #expect(header.loader == loader)
        try ImageOps.verifyDecode(bytes)
    }

    @Test("avif and heif carry their own brands")
    func brands() throws {
        #expect(Fixtures.contains(try ImageOps.synthesize(width: 64, height: 64, seed: 1, format: "avif"), "avif"))
        #expect(Fixtures.contains(try ImageOps.synthesize(width: 64, height: 64, seed: 1, format: "heif"), "heic"))
    }

    @Test("deterministic per seed")
    func deterministic() throws {
        let a = try ImageOps.synthesize(width: 128, height: 128, seed: 11, format: "png")
        let b = try ImageOps.synthesize(width: 128, height: 128, seed: 11, format: "png")
        let c = try ImageOps.synthesize(width: 128, height: 128, seed: 12, format: "png")
        #expect(a == b)
        #expect(a != c)
    }

    @Test("jpeg orientation is written as EXIF", arguments: [3, 6, 8])
    func orientation(value: Int) throws {
        let bytes = try ImageOps.synthesize(width: 120, height: 80, seed: 2, format: "jpeg", orientation: value)
        #expect(try ImageOps.probe(bytes).orientation == value)
    }
}
