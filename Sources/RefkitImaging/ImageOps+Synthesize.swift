import CVips
import RefkitCore

extension ImageOps {
    /// A synthetic, recognisable picture (gradient and a face of discs) in "jpeg" | "png" | "webp" | "heif" | "avif" | "gif";
    /// `orientation` (1...8, jpeg only) is written as EXIF. Deterministic per seed.
    public static func synthesize(
        width: Int, height: Int, seed: UInt64, format: String, orientation: Int? = nil
    ) throws(ImagingError)
        -> [UInt8]
    {
        try synthesize(width: width, height: height, seed: seed, format: format, orientation: orientation, metadata: [:])
    }

    /// As above, also writing string metadata fields such as "exif-ifd3-GPSLatitude" (tests use this for GPS).
    static func synthesize(
        width: Int, height: Int, seed: UInt64, format: String, orientation: Int?, metadata: [String: String]
    ) throws(ImagingError) -> [UInt8] {
        try CanvasGeometry.validate(width: width, height: height, minimum: 8)
        let format = try ImageFormat(name: format)
        let writesExif = orientation != nil || !metadata.isEmpty
        if writesExif, format != .jpeg { throw .invalidArgument("EXIF fields are only written to jpeg") }
        if let orientation, !(1...8).contains(orientation) { throw .invalidArgument("orientation must be 1...8") }

        var random = SeededGenerator(seed: seed)
        let canvas = try VipsCanvas(adopting: gradient(width: width, height: height, random: &random))
        try drawFace(on: canvas, random: &random)
        guard writesExif else { return try canvas.image.encoded(as: format, quality: 90) }

        // Metadata goes on a private copy: setting fields on a shared image races.
        let tagged = try canvas.image.copied()
        if let orientation { tagged.set("orientation", int: orientation) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { tagged.set(name, string: value) }
        return try tagged.encoded(as: format, quality: 90, stripMetadata: false)
    }

    /// Diagonal colour gradient computed from pixel coordinates, in private memory.
    private static func gradient(width: Int, height: Int, random: inout SeededGenerator) throws(ImagingError) -> VipsImageHandle {
        let failure = (ImagingError.processFailedCode, "gradient could not be built")
        let coordinates = try VipsImageHandle.make(failure) { rk_vips_xyz($0, Int32(width), Int32(height)) }
        let redSpan = Double(80 + random.below(170))
        let greenSpan = Double(80 + random.below(170))
        let scale = [redSpan / Double(width), greenSpan / Double(height)]
        let offset = [Double(random.below(60)), Double(random.below(60))]
        let blue = Double(60 + random.below(190))
        let ramps = try coordinates.derive(failure) { input, output in
            rk_vips_linear(input, output, scale, offset, 2)
        }
        let rgb = try ramps.derive(failure) { rk_vips_bandjoin_const1($0, $1, blue) }
        let bytes = try rgb.derive(failure) { rk_vips_cast($0, $1, Int32(VIPS_FORMAT_UCHAR.rawValue)) }
        return try bytes.taggedSRGB().inMemory()
    }

    /// A simple face: head disc, two eyes, a mouth bar; placement varies with the seed.
    private static func drawFace(on canvas: VipsCanvas, random: inout SeededGenerator) throws(ImagingError) {
        let skins = [RGBColour(241, 194, 125), RGBColour(224, 172, 105), RGBColour(198, 134, 66), RGBColour(141, 85, 36)]
        let side = min(canvas.width, canvas.height)
        let radius = max(3, side * (26 + random.below(10)) / 100)
        let jitter = max(1, side / 16)
        let cx = canvas.width / 2 + random.below(2 * jitter + 1) - jitter
        let cy = canvas.height / 2 + random.below(2 * jitter + 1) - jitter
        try canvas.disc(centreX: cx, centreY: cy, radius: radius, colour: skins[random.below(skins.count)])
        let eye = max(1, radius / 7)
        let eyeDark = RGBColour(30, 30, 40)
        try canvas.disc(centreX: cx - radius * 2 / 5, centreY: cy - radius / 4, radius: eye, colour: eyeDark)
        try canvas.disc(centreX: cx + radius * 2 / 5, centreY: cy - radius / 4, radius: eye, colour: eyeDark)
        try canvas.fill(
            x: cx - radius / 3, y: cy + radius * 2 / 5, width: max(1, radius * 2 / 3), height: max(1, radius / 8),
            colour: RGBColour(150, 40, 50))
    }
}
