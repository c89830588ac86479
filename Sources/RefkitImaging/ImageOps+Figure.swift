import CVips

extension ImageOps {
    /// The side of the thumbnail a character's colours and texture are read from.
    static let sampleSide = 96

    /// Reads a character's colours and whether its picture is a photograph (`FigureSample`), from
    /// a small thumbnail of `bytes`; `fallback` fills the parts the picture does not show.
    public static func figureSample(_ bytes: [UInt8], fallback: FigureColours) throws(ImagingError) -> FigureSample {
        try decodingPipeline(over: bytes) { () throws(ImagingError) in
            let thumbnail = try VipsImageHandle.thumbnail(
                bytes, width: sampleSide, height: sampleSide * 4 / 3,
                size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_NONE, strictness: .failOnWarning
            ).flattenedSRGB(on: .white)
            return FigureSample(pixels: try thumbnail.pixelBytes(), width: thumbnail.width, height: thumbnail.height, fallback: fallback)
        }
    }

    /// Draws a preview figure: the sketch's shapes, then (when the sketch pastes a face) the
    /// middle of `face` (the locked reference, a head-and-shoulders crop) over the head, then
    /// the label band. Deterministic: the same sketch and face give the same bytes. PNG.
    public static func figure(_ sketch: FigureSketch, face: [UInt8]?) throws(ImagingError) -> EncodedImage {
        try CanvasGeometry.validate(width: sketch.width, height: sketch.height, minimum: 64)
        let canvas = try VipsCanvas(width: sketch.width, height: sketch.height, colour: sketch.colours.background)
        let drawable = (0, 0, sketch.width, sketch.height - sketch.band)
        for shape in sketch.shapes() {
            try canvas.draw(shape, clippedTo: drawable)
        }
        if sketch.pastesFace, let face, let box = sketch.headBox {
            try canvas.pasteFace(face, into: box)
        }
        try canvas.labelBand(sketch.label, band: sketch.band)
        return try canvas.image.encodedImage(as: .png)
    }
}

extension VipsCanvas {
    /// Fills one shape: square boxes directly, everything else through an antialiased coverage
    /// mask computed in Swift and painted with `vips_draw_mask`.
    func draw(_ shape: FigureShape, clippedTo clip: (x: Int, y: Int, width: Int, height: Int)) throws(ImagingError) {
        let bounds = shape.bounds
        let x0 = max(bounds.x, clip.x)
        let y0 = max(bounds.y, clip.y)
        let x1 = min(bounds.x + bounds.width, clip.x + clip.width)
        let y1 = min(bounds.y + bounds.height, clip.y + clip.height)
        guard x1 > x0, y1 > y0 else { return }
        if case .box(let bx, let by, let bw, let bh, let corner) = shape.outline, corner == 0,
            bx == bx.rounded(), by == by.rounded(), bw == bw.rounded(), bh == bh.rounded()
        {
            let (fx, fy) = (max(Int(bx), x0), max(Int(by), y0))
            try fill(x: fx, y: fy, width: min(Int(bx + bw), x1) - fx, height: min(Int(by + bh), y1) - fy, colour: shape.colour)
            return
        }
        let (width, height) = (x1 - x0, y1 - y0)
        var coverage = [UInt8](repeating: 0, count: width * height)
        for row in 0..<height {
            let y = Double(y0 + row) + 0.5
            for column in 0..<width {
                coverage[row * width + column] = UInt8((shape.coverage(x: Double(x0 + column) + 0.5, y: y) * 255).rounded())
            }
        }
        let failure = (ImagingError.processFailedCode, "the \(shape.part.rawValue) of the figure could not be drawn")
        let mask = try VipsImageHandle.make(failure) { out in
            coverage.withUnsafeBytes { raw in rk_vips_mask_from_memory(out, raw.baseAddress, raw.count, Int32(width), Int32(height)) }
        }
        try paint(shape.colour, through: mask, x: x0, y: y0)
    }

    /// Pastes the middle of a head-and-shoulders picture (where its face is) into `box`,
    /// cut to the box's square so the face keeps its proportions.
    func pasteFace(_ bytes: [UInt8], into box: (x: Int, y: Int, width: Int, height: Int)) throws(ImagingError) {
        let side = min(box.width, box.height)
        guard side > 8 else { return }
        try ImageOps.decodingPipeline(over: bytes) { () throws(ImagingError) in
            let failure = (ImagingError.processFailedCode, "the locked reference's face could not be cut out")
            // Half as large again as the box, then the middle: the face of an avatar crop fills about
            // its middle two thirds, so the head shows the face rather than the shoulders.
            let whole = try VipsImageHandle.thumbnail(
                bytes, width: side * 3 / 2, height: side * 3 / 2, size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_CENTRE,
                strictness: .failOnWarning
            ).flattenedSRGB(on: .white)
            let inset = (whole.width - side) / 2
            let top = max(0, (whole.height - side) / 3)
            let middle = try whole.derive(failure) {
                rk_vips_extract_area($0, $1, Int32(inset), Int32(top), Int32(min(side, whole.width)), Int32(min(side, whole.height - top)))
            }
            let x = max(0, min(width - middle.width, box.x + (box.width - middle.width) / 2))
            let y = max(0, min(height - middle.height, box.y + (box.height - middle.height) / 2))
            try paste(middle, x: x, y: y)
        }
    }
}
