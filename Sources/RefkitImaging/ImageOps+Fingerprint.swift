import CVips
import RefkitCore

extension ImageOps {
    /// Perceptual hashes and health of image bytes, from one decode (issue 15's local QA): the
    /// bytes are decoded once, upright (EXIF) and as 8-bit sRGB with alpha on white, into
    /// memory; per-band statistics are read from that, and the two grey thumbnails the hashes
    /// need are shrunk from it (box filter, then grey). The mirror hashes come from the same
    /// thumbnails reversed. Meant for images already judged and bounded (provider answers, the
    /// normalised source): the whole image is held in memory once (3 MB at 1024 x 1024).
    public static func fingerprint(_ bytes: [UInt8]) throws(ImagingError) -> (fingerprint: ImageFingerprint, health: ImageHealth) {
        try decodingPipeline(over: bytes) { () throws(ImagingError) in
            let loaded = try VipsImageHandle.load(bytes, strictness: .failOnWarning, sequential: false)
            // In memory: statistics and both thumbnails read it, so it must not decode three times.
            let upright = try loaded.autorotated().flattenedSRGB(on: .white).inMemory()
            let health = try upright.health()
            let side = ImageFingerprint.phashSide
            let (dw, dh) = ImageFingerprint.dhashSize
            let fingerprint = ImageFingerprint(
                grey32x32: try upright.greyThumbnail(width: side, height: side),
                grey9x8: try upright.greyThumbnail(width: dw, height: dh))
            return (fingerprint, health)
        }
    }

    /// The image mirrored left-right, as PNG: what a provider that "turns" a view by flipping
    /// it returns (QA's mirror fixtures are made with this).
    public static func mirrored(_ bytes: [UInt8]) throws(ImagingError) -> EncodedImage {
        try decodingPipeline(over: bytes) { () throws(ImagingError) in
            let loaded = try VipsImageHandle.load(bytes, strictness: .failOnWarning, sequential: false)
            let flipped = try loaded.autorotated().derive((ImagingError.processFailedCode, "horizontal flip failed")) {
                rk_vips_flip_horizontal($0, $1)
            }
            return try flipped.flattenedSRGB(on: .white).encodedImage(as: .png)
        }
    }
}

extension VipsImageHandle {
    /// Size and per-band mean and deviation from `vips_stats` (row 0 is all bands together;
    /// row N is band N-1; column 4 the mean, column 5 the deviation).
    func health() throws(ImagingError) -> ImageHealth {
        let stats = try derive((ImagingError.processFailedCode, "image statistics failed")) { rk_vips_stats($0, $1) }
        let raw = try stats.pixelBytes()
        let columns = 10
        guard stats.format == VIPS_FORMAT_DOUBLE, stats.bands == 1, stats.width == columns,
            raw.count == columns * stats.height * MemoryLayout<Double>.size, stats.height == bands + 1
        else {
            throw ImagingError(
                code: ImagingError.processFailedCode, message: "image statistics have an unexpected shape",
                detail: "\(stats.width)x\(stats.height), \(stats.bands) bands, \(raw.count) bytes for a \(bands)-band image")
        }
        // A [UInt8]'s storage is not promised to be aligned for Double: read unaligned.
        let values = raw.withUnsafeBytes { buffer in
            (0..<(raw.count / 8)).map { buffer.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
        }
        let perBand = (1...bands).map { row in (mean: values[row * columns + 4], deviation: values[row * columns + 5]) }
        return ImageHealth(width: width, height: height, bandDeviations: perBand.map(\.deviation), bandMeans: perBand.map(\.mean))
    }

    /// The image shrunk to exactly width x height and made grey, as one byte a pixel. A box
    /// shrink (then grey on the few pixels left) costs a few ms on a 1024 px image, where
    /// vips_resize's lanczos reduce of the whole image cost 15-130 ms with Orc off, and grey
    /// first converted every pixel through a float colour space.
    func greyThumbnail(width: Int, height: Int) throws(ImagingError) -> [UInt8] {
        let failure = (ImagingError.processFailedCode, "fingerprint thumbnail failed")
        let (h, v) = (Double(self.width) / Double(width), Double(self.height) / Double(height))
        var small = self
        // vips_shrink refuses factors under 1 (an image smaller than the thumbnail): resize only.
        if h >= 1, v >= 1 { small = try derive(failure) { rk_vips_shrink($0, $1, h, v) } }
        // The shrink rounds its output size; a last resize of a few pixels makes it exact.
        if small.width != width || small.height != height { small = try small.resized(toWidth: width, height: height) }
        small = try small.derive(failure) { rk_vips_colourspace($0, $1, Int32(VIPS_INTERPRETATION_B_W.rawValue)) }
        let pixels = try small.pixelBytes()
        guard small.width == width, small.height == height, small.bands == 1, pixels.count == width * height else {
            throw ImagingError(
                code: ImagingError.processFailedCode, message: "fingerprint thumbnail has an unexpected shape",
                detail: "\(small.width)x\(small.height), \(small.bands) bands, wanted \(width)x\(height) grey")
        }
        return pixels
    }
}
