import Foundation
import RefkitCore
import Testing

@testable import RefkitImaging
@testable import RefkitProviders

/// The preview provider draws each view as it should look: no two references of a kit (nor a
/// reference and the source or the avatar) are near-duplicates or mirrors by perceptual hash.
@Suite("preview provider")
struct PreviewProviderTests {
    static let examples = ["ada.jpg", "mira.jpg", "nova.jpg", "kenji.png", "leo.kit/1.webp"]
    static let stages: [Stage] =
        [.referenceAvatar, .front, .side, .back, .profile, .halfBody, .fullBody]
        + ["smile", "serious", "surprised", "angry", "sad", "laughing", "smug"].map(Stage.expression)
        + [.scene("rooftop"), .scene("cafe")]

    static func example(_ name: String) throws -> ReferenceImage {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return ReferenceImage(bytes: try Array(Data(contentsOf: root.appendingPathComponent("inbox-example/\(name)"))), mime: "image/jpeg")
    }

    static func request(_ stage: Stage, source: ReferenceImage?, locked: ReferenceImage?, kit: String = "kit-1") -> GenerationRequest {
        let size = stage.imageSize
        return GenerationRequest(
            kitID: kit, stage: stage, prompt: "A view of Mira with auburn hair, wearing a blue sweater.", source: source,
            lockedReference: locked, width: size.width, height: size.height, seed: UInt64(stage.name.utf8.count), title: "Mira",
            body: "a courier")
    }

    @Test("each image costs price_per_image_usd, from the settings as the registry builds them")
    func price() async throws {
        let settings = ProviderSettings(name: "preview", kind: "preview", baseURL: "", pricePerImageUSD: 0.04, extra: ["delay_ms": "0"])
        let provider = PreviewProvider(settings: settings)
        #expect(provider.pricePerImageUSD == 0.04 && provider.delay == .zero)
        let source = try Self.example("mira.jpg")
        let avatar = try await provider.generate(Self.request(.avatar, source: source, locked: nil))
        #expect(avatar.costUSD == 0.04)
        let side = try await provider.generate(
            Self.request(.side, source: source, locked: ReferenceImage(bytes: avatar.bytes, mime: avatar.mime)))
        #expect(side.costUSD == 0.04 && side.model == "preview-1")
        let card = try await provider.generate(Self.request(.character("captain"), source: nil, locked: nil))
        #expect(card.costUSD == 0.04)
        #expect(try await PreviewProvider().generate(Self.request(.side, source: source, locked: nil)).costUSD == 0)
        let slow = PreviewProvider(settings: ProviderSettings(name: "p", kind: "preview", baseURL: "", extra: ["delay_ms": "250"]))
        #expect(slow.delay == .milliseconds(250))
    }

    /// A drawn example with seeded per-pixel noise: texture like a photograph's, so the views
    /// that show a frontal face carry the locked reference's face (no photograph is committed).
    static func photographLike(_ example: String) throws -> ReferenceImage {
        let (width, height) = (192, 256)
        let canvas = try VipsCanvas(width: width, height: height, colour: .white)
        try canvas.paste(fitting: Self.example(example).bytes, into: (0, 0, width, height), background: .white)
        let pixels = try canvas.image.pixelBytes()
        var random = SeededGenerator(seed: 9)
        for y in 0..<height {
            for x in 0..<width {
                let index = (y * width + x) * 3
                let noise = Double(random.below(41) - 20)
                let (r, g, b) = (Double(pixels[index]) + noise, Double(pixels[index + 1]) + noise, Double(pixels[index + 2]) + noise)
                try canvas.fill(
                    x: x, y: y, width: 1, height: 1, colour: RGBColour(min(255, max(0, r)), min(255, max(0, g)), min(255, max(0, b))))
            }
        }
        return ReferenceImage(bytes: try canvas.image.encoded(as: .png), mime: "image/png")
    }

    @Test("a photographed character's views are no near-duplicates either, with its face pasted on the frontal ones")
    func photographedCharacter() async throws {
        let source = try Self.photographLike("mira.jpg")
        #expect(try ImageOps.figureSample(source.bytes, fallback: .seeded(1)).photographic)
        try await Self.expectNoNearDuplicates(source: source, name: "photograph-like mira")
    }

    @Test("no two references of a kit, the source or the avatar are near-duplicates or mirrors", arguments: examples)
    func noNearDuplicates(example: String) async throws {
        try await Self.expectNoNearDuplicates(source: try Self.example(example), name: example)
    }

    static func expectNoNearDuplicates(source: ReferenceImage, name example: String) async throws {
        let provider = PreviewProvider()
        let avatar = try await provider.generate(Self.request(.avatar, source: source, locked: nil))
        let locked = ReferenceImage(bytes: avatar.bytes, mime: avatar.mime)
        var images: [(name: String, hash: ImageFingerprint)] = [
            ("source", try ImageOps.fingerprint(source.bytes).fingerprint),
            ("avatar", try ImageOps.fingerprint(avatar.bytes).fingerprint),
        ]
        for stage in Self.stages {
            let image = try await provider.generate(Self.request(stage, source: source, locked: locked))
            #expect(image.width == stage.imageSize.width && image.height == stage.imageSize.height, "\(stage)")
            images.append((stage.name, try ImageOps.fingerprint(image.bytes).fingerprint))
        }
        var closest = (distance: 64, pair: "")
        for i in images.indices {
            for j in images.indices where j > i {
                let (a, b) = (images[i], images[j])
                let direct = a.hash.distance(to: b.hash).phash
                let mirrored = a.hash.mirrorDistance(to: b.hash).phash
                let gradient = a.hash.distance(to: b.hash).dhash
                // QA's rules (QA-research.md §4): a duplicate is pHash <= 6 and dHash <= 8; a mirror
                // is the flip within 6 while the image itself is over 12 away. The preview keeps a
                // bit of margin on each edge.
                #expect(direct > 7 || gradient > 9, "\(example): \(a.name) and \(b.name) are near-duplicates (\(direct), \(gradient))")
                #expect(mirrored > 7 || direct <= 12, "\(example): \(a.name) is near a mirror of \(b.name) (\(mirrored))")
                if min(direct, mirrored) < closest.distance { closest = (min(direct, mirrored), "\(a.name) / \(b.name)") }
            }
        }
        print("\(example): closest pair by pHash (direct or mirrored) is \(closest.pair) at \(closest.distance) bits")
    }

    @Test("the same request gives the same bytes; a drawn view is not the locked reference pasted on a canvas")
    func deterministic() async throws {
        let provider = PreviewProvider()
        let source = try Self.example("ada.jpg")
        let locked = try await provider.generate(Self.request(.avatar, source: source, locked: nil))
        let lockedImage = ReferenceImage(bytes: locked.bytes, mime: locked.mime)
        for stage in [Stage.back, .expression("sad"), .scene("dock")] {
            let first = try await provider.generate(Self.request(stage, source: source, locked: lockedImage))
            let again = try await provider.generate(Self.request(stage, source: source, locked: lockedImage))
            #expect(first.bytes == again.bytes, "\(stage)")
        }
        // A text-only scene (no source, no locked reference) is still a drawn scene, coloured by the prompt.
        let scene = try await provider.generate(Self.request(.scene("dock"), source: nil, locked: nil))
        #expect(scene.width == 1280 && scene.height == 960)
    }
}
