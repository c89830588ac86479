import Foundation
import Testing

@testable import RefkitImaging

@Suite("probe")
struct ProbeTests {
    @Test("reads size, bands and loader of a JPEG")
    func jpegHeader() throws {
        let header = try ImageOps.probe(Fixtures.jpeg(320, 240))
        #expect(header == ImageHeader(width: 320, height: 240, bands: 3, loader: "jpegload_buffer", interpretation: "srgb"))
    }

    @Test("reads a PNG declaring 100000 x 100000 from its header alone, fast")
    func hugePNGIsHeaderOnly() throws {
        let bytes = Fixtures.pngDeclaring(width: 100_000, height: 100_000)
        let clock = ContinuousClock()
        var header: ImageHeader?
        let elapsed = try clock.measure { header = try ImageOps.probe(bytes) }
        #expect(header?.width == 100_000)
        #expect(header?.height == 100_000)
        #expect(header?.loader == "pngload_buffer")
        #expect(elapsed < .milliseconds(500))
    }

    @Test("pixel limit is checked from the header")
    func pixelLimit() throws {
        let header = try ImageOps.probe(Fixtures.pngDeclaring(width: 100_000, height: 100_000))
        let error = #expect(throws: ImagingError.self) { try ImageOps.checkPixelLimit(header, maxPixels: 50_000_000) }
        #expect(error?.code == "image_too_many_pixels")
        try ImageOps.checkPixelLimit(ImageOps.probe(Fixtures.jpeg()), maxPixels: 50_000_000)
    }

    @Test("failing probes on many threads at once each keep their own vips text in detail")
    func concurrentFailuresKeepTheirDetail() async {
        let empty = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await Task.detached {
                        var missing = 0
                        for _ in 0..<200 {
                            do throws(ImagingError) { _ = try ImageOps.probe(Array("{\"json\": true}".utf8)) } catch {
                                if error.detail.isEmpty { missing += 1 }
                            }
                        }
                        return missing
                    }.value
                }
            }
            return await group.reduce(0, +)
        }
        #expect(empty == 0, "\(empty) of 1,600 failures lost their text to another thread")
    }

    @Test("bytes that are not an image are unreadable, with vips' text in detail")
    func notAnImage() {
        let error = #expect(throws: ImagingError.self) { try ImageOps.probe(Array("{\"json\": true}".utf8)) }
        #expect(error?.code == "image_unreadable")
        #expect(error?.detail.isEmpty == false)
        let empty = #expect(throws: ImagingError.self) { try ImageOps.probe([]) }
        #expect(empty?.code == "image_unreadable")
    }
}
