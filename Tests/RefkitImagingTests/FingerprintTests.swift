import RefkitCore
import Testing

@testable import RefkitImaging

/// Perceptual hashes and health on real libvips decodes of generated images (issue 15).
@Suite("fingerprint")
struct FingerprintTests {
    /// A 1024 px picture (gradient and a face of discs) like a provider's answer.
    static func picture(seed: UInt64 = 3, width: Int = 1024, height: Int = 1024) throws -> [UInt8] {
        try ImageOps.synthesize(width: width, height: height, seed: seed, format: "png")
    }

    /// One flat colour, as a safety placeholder or an empty render would be.
    static func flat(_ level: Int, width: Int = 512, height: Int = 384) throws -> [UInt8] {
        try ImageOps.solid(width: width, height: height, red: level, green: level, blue: level, format: "png")
    }

    @Test("the same picture re-encoded as a smaller JPEG is near: a duplicate")
    func reencodedIsNear() throws {
        let original = try ImageOps.fingerprint(Self.picture()).fingerprint
        let smaller = try ImageOps.normaliseSource(Self.picture(), maxLongSide: 400, quality: 70)
        #expect(smaller.width == 400)
        let copy = try ImageOps.fingerprint(smaller.data).fingerprint
        let distance = copy.distance(to: original)
        #expect(distance.phash <= 6, "pHash \(distance.phash)")
        #expect(distance.dhash <= 8, "dHash \(distance.dhash)")
    }

    @Test("sizes that do not divide into the thumbnails, and images smaller than them, still hash")
    func oddSizes() throws {
        let odd = try Self.picture(seed: 9, width: 1000, height: 750)
        let rescaled = try ImageOps.normaliseSource(odd, maxLongSide: 333, quality: 80).data
        let distance = try ImageOps.fingerprint(odd).fingerprint.distance(to: ImageOps.fingerprint(rescaled).fingerprint)
        #expect(distance.phash <= 6, "pHash \(distance.phash)")
        let tiny = try ImageOps.fingerprint(Self.picture(seed: 9, width: 20, height: 12))
        #expect(tiny.health.width == 20 && tiny.health.height == 12)
        #expect(tiny.fingerprint.phash != 0)
    }

    @Test("a left-right flip is a mirror: near the original's flipped hash, far from its plain one")
    func flipIsMirror() throws {
        let bytes = try Self.picture(seed: 7, width: 768, height: 1024)
        let original = try ImageOps.fingerprint(bytes).fingerprint
        let flipped = try ImageOps.fingerprint(ImageOps.mirrored(bytes).data).fingerprint
        let mirror = flipped.mirrorDistance(to: original)
        let plain = flipped.distance(to: original)
        #expect(mirror.phash <= 6, "pHash vs flip \(mirror.phash)")
        #expect(mirror.dhash <= 8, "dHash vs flip \(mirror.dhash)")
        #expect(plain.phash > 12, "pHash plain \(plain.phash)")
        // Flipping twice is the original, seen from either side.
        #expect(original.mirrorDistance(to: flipped).phash == mirror.phash)
    }

    @Test("different pictures are far apart", arguments: [(UInt64(3), UInt64(11)), (5, 6), (21, 40)])
    func differentAreFar(a: UInt64, b: UInt64) throws {
        let first = try ImageOps.fingerprint(Self.picture(seed: a)).fingerprint
        let second = try ImageOps.fingerprint(Self.picture(seed: b)).fingerprint
        #expect(first.distance(to: second).phash > 12, "pHash \(first.distance(to: second).phash)")
        #expect(first.mirrorDistance(to: second).phash > 6, "pHash vs flip \(first.mirrorDistance(to: second).phash)")
    }

    @Test("a text card and a picture are far apart")
    func cardIsFarFromPicture() throws {
        let card = try ImageOps.textCard(title: "Mira", body: "no image", width: 1024, height: 1024, seed: 3).data
        let distance = try ImageOps.fingerprint(card).fingerprint.distance(to: ImageOps.fingerprint(Self.picture()).fingerprint)
        #expect(distance.phash > 12, "pHash \(distance.phash)")
    }

    @Test("black and uniform grey images are flat in every band; black is dark")
    func flatImages() throws {
        let black = try ImageOps.fingerprint(Self.flat(0)).health
        #expect(black.stddevMax < 2 && black.mean < 1)
        #expect(black.width == 512 && black.height == 384 && black.bandDeviations.count == 3)
        let grey = try ImageOps.fingerprint(Self.flat(128)).health
        #expect(grey.stddevMax < 2)
        #expect(abs(grey.mean - 128) < 1)
    }

    @Test("a picture has detail in every band; its size is read after EXIF orientation")
    func pictureIsBusy() throws {
        let health = try ImageOps.fingerprint(Self.picture(width: 640, height: 480)).health
        #expect(health.stddevMin > 10, "deviations \(health.bandDeviations)")
        #expect(health.width == 640 && health.height == 480)
        // Orientation 6 means "rotate 90 degrees clockwise to view": the upright image is 480 x 640.
        let rotated = try ImageOps.synthesize(width: 640, height: 480, seed: 3, format: "jpeg", orientation: 6)
        let upright = try ImageOps.fingerprint(rotated).health
        #expect(upright.width == 480 && upright.height == 640)
    }

    @Test("solid refuses channels outside 0...255")
    func solidChannels() {
        #expect(throws: ImagingError.self) { try ImageOps.solid(width: 8, height: 8, red: 256, green: 0, blue: 0, format: "png") }
    }

    @Test("bytes that are no image fail with image_unreadable")
    func unreadable() {
        #expect(throws: ImagingError.self) { try ImageOps.fingerprint(Array("not an image".utf8)) }
        do {
            _ = try ImageOps.fingerprint(Array("not an image".utf8))
        } catch {
            #expect(error.code == ImagingError.unreadableCode)
        }
    }
}

/// The hash arithmetic on hand-made thumbnails, without any decode.
@Suite("fingerprint bits")
struct FingerprintBitsTests {
    /// A 32 x 32 grey pattern (every DCT coefficient distinct, so none sits on the median by
    /// rounding), offset by `lift`.
    static func pattern(lift: Int = 0) -> [UInt8] {
        (0..<32 * 32).map { UInt8(($0 * 7919 + $0 / 32 * 13) % 200 + lift) }
    }

    @Test("dHash of a left-to-right ramp sets all 64 bits; of its mirror none")
    func dhashRamp() {
        let ramp = (0..<72).map { UInt8(($0 % 9) * 20) }
        #expect(ImageFingerprint.differenceHash(ramp) == UInt64.max)
        #expect(ImageFingerprint.differenceHash(ImageFingerprint.mirrored(ramp, width: 9)) == 0)
    }

    @Test("pHash leaves the DC bit out, so a uniformly brighter copy hashes the same")
    func phashIgnoresBrightness() {
        let dark = ImageFingerprint.perceptualHash(Self.pattern())
        let bright = ImageFingerprint.perceptualHash(Self.pattern(lift: 40))
        #expect(dark == bright)
        #expect(dark & 1 == 0)
        #expect(dark != 0)
    }

    @Test("the mirrored thumbnail reverses each row and nothing else")
    func mirroredRows() {
        #expect(ImageFingerprint.mirrored([1, 2, 3, 4, 5, 6], width: 3) == [3, 2, 1, 6, 5, 4])
    }

    @Test("a fingerprint's flipped hashes are those of the reversed thumbnails")
    func flippedFields() {
        let grey = Self.pattern()
        let small = (0..<72).map { UInt8(($0 * 37) % 256) }
        let hashed = ImageFingerprint(grey32x32: grey, grey9x8: small)
        let mirror = ImageFingerprint(
            grey32x32: ImageFingerprint.mirrored(grey, width: 32), grey9x8: ImageFingerprint.mirrored(small, width: 9))
        #expect(hashed.phashFlipped == mirror.phash && hashed.dhashFlipped == mirror.dhash)
        #expect(hashed.mirrorDistance(to: mirror) == (phash: 0, dhash: 0))
        #expect(ImageFingerprint.distance(0b1011, 0b0110) == 3)
    }
}
