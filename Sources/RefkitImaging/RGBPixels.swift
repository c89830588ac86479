/// Decoded 8-bit sRGB pixels, 3 bytes a pixel (R, G, B), rows packed top to bottom with no padding.
///
/// The hand-over format for analyses that run outside libvips (face detection): a plain value, so
/// the analysis never decodes files itself and tests can build or alter pixels without I/O.
public struct RGBPixels: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height` rows of `width * 3` bytes.
    public let bytes: [UInt8]

    /// Wraps packed RGB bytes; `bytes.count` must be `width * height * 3` and both sides positive.
    public init(width: Int, height: Int, bytes: [UInt8]) throws(ImagingError) {
        guard width > 0, height > 0 else { throw .invalidArgument("pixel size must be positive, not \(width)x\(height)") }
        guard bytes.count == width * height * 3 else {
            throw .invalidArgument("\(width)x\(height) RGB pixels need \(width * height * 3) bytes, not \(bytes.count)")
        }
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// An image of one colour (e.g. black: what a safety filter returns instead of a picture).
    public static func solid(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) throws(ImagingError) -> RGBPixels {
        guard width > 0, height > 0 else { throw .invalidArgument("pixel size must be positive, not \(width)x\(height)") }
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        for start in stride(from: 0, to: bytes.count, by: 3) {
            bytes[start] = red
            bytes[start + 1] = green
            bytes[start + 2] = blue
        }
        return try RGBPixels(width: width, height: height, bytes: bytes)
    }

    /// Bytes from one row to the next.
    public var rowStride: Int { width * 3 }

    /// The longer of width and height.
    public var longSide: Int { max(width, height) }

    /// The mirror image (columns reversed): what a provider returns when it "turns" a view by flipping it.
    public func flippedHorizontally() -> RGBPixels {
        var flipped = bytes
        for row in 0..<height {
            let start = row * rowStride
            for column in 0..<width {
                let from = start + column * 3
                let to = start + (width - 1 - column) * 3
                flipped[to] = bytes[from]
                flipped[to + 1] = bytes[from + 1]
                flipped[to + 2] = bytes[from + 2]
            }
        }
        // Same size and byte count as self, so the checked initialiser cannot fail.
        return RGBPixels(unchecked: width, height, flipped)
    }

    /// A copy with the rectangle (clipped to the image) painted in one colour.
    public func filling(
        x: Int, y: Int, width boxWidth: Int, height boxHeight: Int, red: UInt8, green: UInt8, blue: UInt8
    )
        -> RGBPixels
    {
        let (left, top) = (max(0, x), max(0, y))
        let (right, bottom) = (min(width, x + boxWidth), min(height, y + boxHeight))
        guard left < right, top < bottom else { return self }
        var painted = bytes
        for row in top..<bottom {
            for column in left..<right {
                let at = row * rowStride + column * 3
                painted[at] = red
                painted[at + 1] = green
                painted[at + 2] = blue
            }
        }
        return RGBPixels(unchecked: width, height, painted)
    }

    private init(unchecked width: Int, _ height: Int, _ bytes: [UInt8]) {
        self.width = width
        self.height = height
        self.bytes = bytes
    }
}
