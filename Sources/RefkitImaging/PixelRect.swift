/// A rectangle on an image, in whole pixels, with its origin at the top-left corner.
public struct PixelRect: Sendable, Equatable, CustomStringConvertible {
    /// Left edge.
    public var x: Int
    /// Top edge.
    public var y: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A rectangle from its top-left corner and size.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// One past the right edge.
    public var maxX: Int { x + width }
    /// One past the bottom edge.
    public var maxY: Int { y + height }
    /// The horizontal centre (rounded down).
    public var midX: Int { x + width / 2 }
    /// The vertical centre (rounded down).
    public var midY: Int { y + height / 2 }

    /// Whether `other` lies wholly inside this rectangle.
    public func contains(_ other: PixelRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }

    /// Whether the pixel at (px, py) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && py >= y && px < maxX && py < maxY }

    /// Shrunk by `amount` on every side (grown when negative); never narrower than zero.
    public func inset(by amount: Int) -> PixelRect {
        PixelRect(x: x + amount, y: y + amount, width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
    }

    /// The largest rectangle of a picture's proportions (`size`) that fits inside, centred across and resting on the
    /// bottom edge, so pictures of different shapes in one row share a baseline. Rounded as libvips' thumbnail rounds.
    public func fitting(_ size: PixelSize) -> PixelRect {
        guard size.width > 0, size.height > 0, width > 0, height > 0 else { return PixelRect(x: midX, y: maxY, width: 0, height: 0) }
        let scale = min(Double(width) / Double(size.width), Double(height) / Double(size.height))
        let fittedWidth = min(width, max(1, Int((Double(size.width) * scale).rounded())))
        let fittedHeight = min(height, max(1, Int((Double(size.height) * scale).rounded())))
        return PixelRect(x: x + (width - fittedWidth) / 2, y: maxY - fittedHeight, width: fittedWidth, height: fittedHeight)
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// A picture's width and height in pixels, as it stands upright.
public struct PixelSize: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A size from its sides.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}
