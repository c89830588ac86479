import RefkitCore
import RefkitTestSupport
import Testing

@testable import RefkitImaging

/// The one rule set for image bytes, judged in memory (no files): what a drop and a provider's
/// answer are both held to.
@Suite("Image judge")
struct ImageJudgeTests {
    static let limits = ImageJudge.Limits(maxPixels: 1_000_000, maxAspectRatio: 20)

    @Test(arguments: [("jpeg", ImageFormat.jpeg), ("png", .png), ("webp", .webp)])
    func acceptedFormatsAreReadFromTheBytes(name: String, format: ImageFormat) throws {
        let judge = try ImageJudge(limits: Self.limits)
        let judged = try judge.judge(ImageFixtures.image(name, seed: 3, width: 40, height: 30)).get()
        #expect(judged == JudgedImage(format: format, width: 40, height: 30))
        #expect(judged.mime == format.mime)
    }

    @Test func gifIsRefusedWithTheDropCode() throws {
        let judge = try ImageJudge(limits: Self.limits)
        let error = try #require(judge.judge(ImageFixtures.image("gif", seed: 3)).failure)
        #expect(error.code.rawValue == "source_gif_unsupported")
    }

    @Test func textPixelsAspectAndDamageAreRefused() throws {
        let judge = try ImageJudge(limits: Self.limits)
        #expect(judge.judge(Array("just some words".utf8)).failure?.code.rawValue == "source_text_not_image")
        #expect(judge.judge(ImageFixtures.pngDeclaring(width: 2000, height: 2000)).failure?.code.rawValue == "source_too_many_pixels")
        #expect(judge.judge(try ImageFixtures.png(seed: 1, width: 420, height: 20)).failure?.code.rawValue == "source_aspect_ratio")
        let png = try ImageFixtures.png(seed: 5, width: 200, height: 200)
        #expect(judge.judge(ImageFixtures.truncated(png)).failure?.code.rawValue == "source_corrupt")
        #expect(judge.judge(ImageFixtures.truncated(png), decode: false).failure == nil)
    }

    /// Judges on many tasks at once share a few pooled libmagic handles and agree.
    @Test func concurrentJudgementsAgree() async throws {
        let judge = try ImageJudge(limits: Self.limits)
        let bytes = try ImageFixtures.jpeg(seed: 9)
        let formats = await withTaskGroup(of: ImageFormat?.self) { group in
            for _ in 0..<16 { group.addTask { try? judge.judge(bytes).get().format } }
            return await group.reduce(into: [ImageFormat?]()) { $0.append($1) }
        }
        #expect(formats == Array(repeating: .jpeg, count: 16))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
