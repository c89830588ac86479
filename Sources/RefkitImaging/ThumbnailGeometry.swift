/// How big the images a thumbnail builds get, from the header alone (no pixels decoded).
/// `vips_thumbnail` scales the whole source to fit (or, cropping, to fill) the box before it
/// cuts anything: filling a 1024 x 1024 square from a 10 x 30000 strip scales it to
/// 1024 x 3072000, three gigapixels, to keep one square of it.
struct ThumbnailGeometry: Sendable, Equatable {
    var sourceWidth: Int
    var sourceHeight: Int
    var boxWidth: Int
    var boxHeight: Int
    /// Fill the box and crop the overflow (otherwise fit inside it).
    var fills: Bool
    /// Never scale up (`VIPS_SIZE_DOWN`).
    var downOnly: Bool

    /// The scale applied to the whole source.
    var scale: Double {
        let x = Double(boxWidth) / Double(max(1, sourceWidth))
        let y = Double(boxHeight) / Double(max(1, sourceHeight))
        let s = fills ? max(x, y) : min(x, y)
        return downOnly ? min(1, s) : s
    }

    /// Pixels of the scaled source, the largest image on the way.
    var intermediatePixels: Double {
        (Double(sourceWidth) * scale).rounded(.up) * (Double(sourceHeight) * scale).rounded(.up)
    }

    /// The most any step may hold: the source itself (bounded by `max_source_pixels` at intake)
    /// or the output asked for (bounded by the configured sizes), whichever is larger.
    var bound: Double {
        max(Double(sourceWidth) * Double(sourceHeight), Double(boxWidth) * Double(boxHeight))
    }

    var isWithinBound: Bool { intermediatePixels <= bound }
}
