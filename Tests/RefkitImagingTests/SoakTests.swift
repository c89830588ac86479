import Foundation
import Testing

@testable import RefkitImaging

/// Long loops for leaks and timings; run with REFKIT_IMAGING_SOAK=1.
@Suite("soak", .enabled(if: ProcessInfo.processInfo.environment["REFKIT_IMAGING_SOAK"] == "1"), .serialized)
struct SoakTests {
    @Test("repeated operations do not grow the resident set")
    func noGrowth() throws {
        let source = try ImageOps.synthesize(width: 1600, height: 1200, seed: 3, format: "jpeg", orientation: 6)
        let cut = Fixtures.cutInHalf(source)
        func round() throws {
            _ = try ImageOps.probe(source)
            try ImageOps.verifyDecode(source)
            _ = try ImageOps.normaliseSource(source, maxLongSide: 1024)
            _ = try ImageOps.attentionSquare(source, size: 256)
            _ = try ImageOps.labelledCanvas(source, label: "PREVIEW · SIDE VIEW", width: 512, height: 640, seed: 1)
            _ = try? ImageOps.verifyDecode(cut)
            _ = try? ImageOps.normaliseSource(cut)
        }
        for _ in 0..<20 { try round() }
        let before = residentKiB()
        for _ in 0..<200 { try round() }
        let after = residentKiB()
        print("soak: RSS \(before) KiB -> \(after) KiB after 200 rounds")
        #expect(after - before < 40_000)
    }

    @Test("timings")
    func timings() throws {
        let clock = ContinuousClock()
        let big = try ImageOps.synthesize(width: 6000, height: 4000, seed: 1, format: "jpeg")
        let png1k = try ImageOps.synthesize(width: 1024, height: 1024, seed: 1, format: "png")
        let jpeg1k = try ImageOps.synthesize(width: 1024, height: 1024, seed: 1, format: "jpeg")
        let huge = Fixtures.pngDeclaring(width: 100_000, height: 100_000)
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            let runs = 5
            var total = Duration.zero
            for _ in 0..<runs { total += try clock.measure(body) }
            print("timing: \(name): \(total / runs)")
        }
        try time("probe 100000x100000 png") { _ = try ImageOps.probe(huge) }
        time("verifyDecode 100000x100000 png (fails)") { _ = try? ImageOps.verifyDecode(huge) }
        try time("verifyDecode 1024 png") { try ImageOps.verifyDecode(png1k) }
        try time("verifyDecode 1024 jpeg") { try ImageOps.verifyDecode(jpeg1k) }
        try time("normaliseSource 6000x4000 jpeg -> 2048") { _ = try ImageOps.normaliseSource(big) }
        try time("attentionSquare 1024 jpeg -> 512") { _ = try ImageOps.attentionSquare(jpeg1k, size: 512) }
        try time("labelledCanvas 1024x1280") {
            _ = try ImageOps.labelledCanvas(jpeg1k, label: "PREVIEW · SIDE VIEW", width: 1024, height: 1280, seed: 2)
        }
        try time("textCard 768x1024") {
            _ = try ImageOps.textCard(title: "Title", body: String(repeating: "word ", count: 200), width: 768, height: 1024, seed: 2)
        }
        let colours = FigureColours.seeded(1)
        for view in [FigureView.bust, .front, .side, .back, .halfBody, .expression("smile"), .scene("dock")] {
            let sketch = FigureSketch(view: view, colours: colours, width: 768, height: 1024, seed: 1, label: "PREVIEW · VIEW")
            try time("figure \(view) 768x1024") { _ = try ImageOps.figure(sketch, face: nil) }
        }
        try time("figureSample 1024 jpeg") { _ = try ImageOps.figureSample(jpeg1k, fallback: colours) }
        let items = (0..<12).map { (bytes: jpeg1k, label: "item \($0)") }
        try time("contactSheet 12 x 384") { _ = try ImageOps.contactSheet(items) }
        for format in ["jpeg", "png", "webp", "heif", "avif", "gif"] {
            try time("synthesize 512 \(format)") { _ = try ImageOps.synthesize(width: 512, height: 512, seed: 1, format: format) }
        }
    }

    @Test("decode failure texts")
    func failureTexts() throws {
        let jpeg = try Fixtures.jpeg(640, 480)
        let cases: [(String, [UInt8])] = [
            ("jpeg cut", Fixtures.cutInHalf(jpeg)),
            ("png cut", Fixtures.cutInHalf(try Fixtures.png(640, 480))),
            ("jpeg garbage", Fixtures.jpegWithGarbageAfterHeader(jpeg)),
            ("huge png", Fixtures.pngDeclaring(width: 100_000, height: 100_000)),
        ]
        for (name, bytes) in cases {
            do { try ImageOps.verifyDecode(bytes) } catch { print("failure: \(name): \(error)") }
        }
    }

    private func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
