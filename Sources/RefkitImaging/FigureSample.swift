/// What a preview reads from a character's picture: its colours, part by part, and whether it
/// is a photograph (whose real face the frontal views then carry).
///
/// Computed from a small thumbnail's packed RGB pixels, so it is a pure function of them.
public struct FigureSample: Sendable, Equatable {
    /// The character's colours; parts the picture does not show come from the fallback.
    public var colours: FigureColours
    /// True when the picture has a photograph's fine texture rather than flat drawn areas.
    public var photographic: Bool
    /// The share of pixels on visible texture (the number `photographic` is decided from).
    public var texture: Double

    /// The share of textured pixels above which a picture counts as a photograph; measured on
    /// 96 px thumbnails: the drawn inbox examples 0.09-0.13, dlib's and libvips' example
    /// photographs 0.22-0.68 (a portrait 0.50).
    public static let photographicTexture = 0.18

    /// Samples packed 8-bit RGB `pixels` of `width` x `height`, laid out like a portrait with the
    /// head in the upper middle: hair at the top of the head, skin below it, the outfit at the
    /// bottom, the background in the top corners.
    public init(pixels: [UInt8], width: Int, height: Int, fallback: FigureColours) {
        let region = Region(pixels: pixels, width: width, height: height)
        let background = region.mean(x: 0...0.1, y: 0...0.1).mixed(with: region.mean(x: 0.9...1, y: 0...0.1))
        // Skin first: in a close-up photograph the top of the head region is forehead, and
        // reading hair there first would leave the face no colour of its own.
        let skin = region.dominant(x: 0.38...0.62, y: 0.3...0.52, avoiding: [background]) ?? fallback.skin
        var hair = region.dominant(x: 0.3...0.7, y: 0.04...0.3, avoiding: [background, skin]) ?? fallback.hair
        // Hair the colour of skin would draw the back view as a bald head: use the fallback's.
        if hair.distance(to: skin) < 48 { hair = fallback.hair.distance(to: skin) < 48 ? skin.scaled(0.45) : fallback.hair }
        let outfit = region.dominant(x: 0.2...0.8, y: 0.84...1, avoiding: [background, skin]) ?? fallback.outfit
        colours = FigureColours(hair: hair, skin: skin, outfit: outfit, background: background)
        texture = region.texture()
        photographic = texture > Self.photographicTexture
    }

    /// Rectangular parts of a packed RGB picture, by fractions of its size.
    struct Region {
        let pixels: [UInt8]
        let width: Int
        let height: Int

        func indices(x: ClosedRange<Double>, y: ClosedRange<Double>) -> [Int] {
            let (x0, x1) = (
                Int(x.lowerBound * Double(width)), min(width, max(Int(x.lowerBound * Double(width)) + 1, Int(x.upperBound * Double(width))))
            )
            let (y0, y1) = (
                Int(y.lowerBound * Double(height)),
                min(height, max(Int(y.lowerBound * Double(height)) + 1, Int(y.upperBound * Double(height))))
            )
            guard pixels.count >= width * height * 3 else { return [] }
            return (y0..<y1).flatMap { row in (x0..<x1).map { (row * width + $0) * 3 } }
        }

        func colour(at index: Int) -> RGBColour {
            RGBColour(Double(pixels[index]), Double(pixels[index + 1]), Double(pixels[index + 2]))
        }

        func mean(x: ClosedRange<Double>, y: ClosedRange<Double>) -> RGBColour {
            let all = indices(x: x, y: y)
            guard !all.isEmpty else { return RGBColour(240, 240, 240) }
            var sum = (0.0, 0.0, 0.0)
            for index in all {
                sum = (sum.0 + Double(pixels[index]), sum.1 + Double(pixels[index + 1]), sum.2 + Double(pixels[index + 2]))
            }
            let n = Double(all.count)
            return RGBColour((sum.0 / n).rounded(), (sum.1 / n).rounded(), (sum.2 / n).rounded())
        }

        /// The mean colour of the most common 4-bit-per-channel bin, leaving out pixels near
        /// any colour in `avoiding`; nil when fewer than a tenth of the region remains.
        func dominant(x: ClosedRange<Double>, y: ClosedRange<Double>, avoiding: [RGBColour]) -> RGBColour? {
            let all = indices(x: x, y: y)
            var bins: [Int: (count: Int, r: Double, g: Double, b: Double)] = [:]
            var kept = 0
            for index in all {
                let c = colour(at: index)
                if avoiding.contains(where: { $0.distance(to: c) < 48 }) { continue }
                kept += 1
                let key = (Int(c.red) >> 4) << 8 | (Int(c.green) >> 4) << 4 | Int(c.blue) >> 4
                let old = bins[key] ?? (0, 0, 0, 0)
                bins[key] = (old.count + 1, old.r + c.red, old.g + c.green, old.b + c.blue)
            }
            guard kept * 10 >= all.count, kept > 0 else { return nil }
            // Ties go to the lower key, so the answer never depends on dictionary order.
            guard let best = bins.max(by: { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key > $1.key }) else {
                return nil
            }
            let n = Double(best.value.count)
            return RGBColour((best.value.r / n).rounded(), (best.value.g / n).rounded(), (best.value.b / n).rounded())
        }

        /// The share of interior pixels whose grey differs from the mean of its four neighbours
        /// by more than 4 levels: drawn pictures are flat areas with thin edges, photographs
        /// have texture almost everywhere.
        func texture() -> Double {
            guard width >= 3, height >= 3, pixels.count >= width * height * 3 else { return 0 }
            func grey(_ x: Int, _ y: Int) -> Double { colour(at: (y * width + x) * 3).luma }
            var textured = 0
            for y in 1..<(height - 1) {
                for x in 1..<(width - 1) {
                    let around = (grey(x - 1, y) + grey(x + 1, y) + grey(x, y - 1) + grey(x, y + 1)) / 4
                    if abs(grey(x, y) - around) > 2 { textured += 1 }
                }
            }
            return Double(textured) / Double((width - 2) * (height - 2))
        }
    }
}

extension RGBColour {
    /// Euclidean distance in RGB.
    func distance(to other: RGBColour) -> Double {
        let (r, g, b) = (red - other.red, green - other.green, blue - other.blue)
        return (r * r + g * g + b * b).squareRoot()
    }

    /// The average of two colours.
    func mixed(with other: RGBColour) -> RGBColour {
        RGBColour(((red + other.red) / 2).rounded(), ((green + other.green) / 2).rounded(), ((blue + other.blue) / 2).rounded())
    }
}
