extension ImageOps {
    /// The input fitted onto a width x height canvas above a text label band; deterministic per (input, label, seed). PNG.
    public static func labelledCanvas(
        _ bytes: [UInt8], label: String, width: Int, height: Int, seed: UInt64
    ) throws(ImagingError) -> EncodedImage {
        try CanvasGeometry.validate(width: width, height: height, minimum: 64)
        let palette = CanvasPalette.forSeed(seed)
        let margin = CanvasGeometry.margin(width: width, height: height)
        let band = max(24, height / 8)
        let canvas = try VipsCanvas(width: width, height: height, colour: palette.background)
        try canvas.paste(
            fitting: bytes,
            into: (margin, margin, width - 2 * margin, height - band - 2 * margin),
            background: palette.background
        )
        try canvas.labelBand(label, band: band)
        return try canvas.image.encodedImage(as: .png)
    }

    /// A text-only card: a title bar and wrapped body text on a seed-chosen tint. PNG.
    public static func textCard(title: String, body: String, width: Int, height: Int, seed: UInt64) throws(ImagingError) -> EncodedImage {
        try CanvasGeometry.validate(width: width, height: height, minimum: 64)
        let palette = CanvasPalette.forSeed(seed)
        let margin = CanvasGeometry.margin(width: width, height: height) * 2
        let bar = max(32, height / 6)
        let canvas = try VipsCanvas(width: width, height: height, colour: palette.background)
        try canvas.fill(x: 0, y: 0, width: width, height: bar, colour: palette.accent)
        let padding = max(2, bar / 8)
        if let heading = try VipsImageHandle.text(
            title, style: .title(pixelSize: bar / 2),
            maxWidth: width - 2 * margin, maxHeight: bar - 2 * padding, centred: true
        ) {
            try canvas.paint(.white, through: heading, centredIn: (margin, padding, width - 2 * margin, bar - 2 * padding))
        }
        let bodyTop = bar + margin
        if let text = try VipsImageHandle.text(
            body, style: .body(pixelSize: max(10, min(width, height) / 24)),
            maxWidth: width - 2 * margin, maxHeight: height - bodyTop - margin, centred: false
        ) {
            try canvas.paint(.ink, through: text, x: margin, y: bodyTop)
        }
        return try canvas.image.encodedImage(as: .png)
    }
}

extension VipsCanvas {
    /// The dark band along the bottom with `label` centred in white: what every preview image
    /// says it is ("PREVIEW · SIDE VIEW").
    func labelBand(_ label: String, band: Int) throws(ImagingError) {
        let margin = CanvasGeometry.margin(width: width, height: height)
        try fill(x: 0, y: height - band, width: width, height: band, colour: .labelBand)
        let padding = max(2, band / 8)
        if let text = try VipsImageHandle.text(
            label, style: .label(pixelSize: band / 2),
            maxWidth: width - 2 * margin, maxHeight: band - 2 * padding, centred: true
        ) {
            try paint(.white, through: text, centredIn: (margin, height - band + padding, width - 2 * margin, band - 2 * padding))
        }
    }
}
