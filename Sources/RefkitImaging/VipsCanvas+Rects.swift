extension VipsCanvas {
    /// Fills a rectangle.
    func fill(_ rect: PixelRect, colour: RGBColour) throws(ImagingError) {
        guard rect.width > 0, rect.height > 0 else { return }
        try fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, colour: colour)
    }

    /// Writes `text` inside `box`, wrapped and shrunk to fit; left-aligned at the box's top-left
    /// corner, or centred in it.
    func write(
        _ text: String, in box: PixelRect, style: TextStyle, colour: RGBColour, centred: Bool = false
    ) throws(ImagingError) {
        guard
            let mask = try VipsImageHandle.text(
                text, style: style, maxWidth: box.width, maxHeight: box.height, centred: centred)
        else { return }
        if centred {
            try paint(colour, through: mask, centredIn: box.tuple)
        } else {
            try paint(colour, through: mask, x: box.x, y: box.y)
        }
    }
}

extension PixelRect {
    /// The tuple the canvas's older drawing calls take.
    var tuple: (x: Int, y: Int, width: Int, height: Int) { (x, y, width, height) }
}
