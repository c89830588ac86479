/// A point on a figure canvas, in pixels (y grows downwards).
public struct FigurePoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    /// A point at (x, y).
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// What part of a figure a shape draws: tests and the face paste ask for parts by name.
public enum FigurePart: String, Sendable, Equatable, CaseIterable {
    case backdrop, ground, hair, head, ear, nose, eye, pupil, brow, mouth, neck, torso, arm, hand, leg, shoe
}

/// One filled shape of a figure sketch: a part, its outline and its colour.
public struct FigureShape: Sendable, Equatable {
    /// The outline; every kind has a cheap signed distance, so edges are antialiased without supersampling.
    public enum Outline: Sendable, Equatable {
        case ellipse(centre: FigurePoint, radiusX: Double, radiusY: Double)
        /// An axis-aligned box with rounded corners.
        case box(x: Double, y: Double, width: Double, height: Double, corner: Double)
        /// A thick polyline with round caps (limbs, mouths, brows).
        case stroke([FigurePoint], width: Double)
        /// A convex polygon (backdrop blocks).
        case polygon([FigurePoint])
    }

    public var part: FigurePart
    public var outline: Outline
    public var colour: RGBColour

    /// A shape of `part` with `outline`, filled with `colour`.
    public init(_ part: FigurePart, _ outline: Outline, _ colour: RGBColour) {
        self.part = part
        self.outline = outline
        self.colour = colour
    }

    /// The pixel box the shape may cover, before clipping to a canvas: (x, y, width, height).
    public var bounds: (x: Int, y: Int, width: Int, height: Int) {
        let (minX, minY, maxX, maxY): (Double, Double, Double, Double)
        switch outline {
        case .ellipse(let c, let rx, let ry): (minX, minY, maxX, maxY) = (c.x - rx, c.y - ry, c.x + rx, c.y + ry)
        case .box(let x, let y, let w, let h, _): (minX, minY, maxX, maxY) = (x, y, x + w, y + h)
        case .stroke(let points, let width):
            // No points cover nothing: an empty box, which every drawer skips.
            guard let first = points.first else { return (0, 0, 0, 0) }
            let half = width / 2
            (minX, minY) = (points.reduce(first.x) { min($0, $1.x) } - half, points.reduce(first.y) { min($0, $1.y) } - half)
            (maxX, maxY) = (points.reduce(first.x) { max($0, $1.x) } + half, points.reduce(first.y) { max($0, $1.y) } + half)
        case .polygon(let points):
            guard let first = points.first else { return (0, 0, 0, 0) }
            (minX, minY) = (points.reduce(first.x) { min($0, $1.x) }, points.reduce(first.y) { min($0, $1.y) })
            (maxX, maxY) = (points.reduce(first.x) { max($0, $1.x) }, points.reduce(first.y) { max($0, $1.y) })
        }
        let x = Int((minX - 1).rounded(.down))
        let y = Int((minY - 1).rounded(.down))
        return (x, y, Int((maxX + 1).rounded(.up)) - x, Int((maxY + 1).rounded(.up)) - y)
    }

    /// Coverage 0...1 of the pixel whose centre is (x, y): 1 inside, 0 outside, a one-pixel ramp on the edge.
    public func coverage(x: Double, y: Double) -> Double {
        min(1, max(0, 0.5 - signedDistance(x: x, y: y)))
    }

    /// Negative inside, positive outside, in pixels (approximate for ellipses, exact for the rest).
    func signedDistance(x: Double, y: Double) -> Double {
        switch outline {
        case .ellipse(let c, let rx, let ry):
            let (dx, dy) = ((x - c.x) / max(rx, 0.5), (y - c.y) / max(ry, 0.5))
            return ((dx * dx + dy * dy).squareRoot() - 1) * min(rx, ry)
        case .box(let bx, let by, let w, let h, let corner):
            let r = min(corner, w / 2, h / 2)
            let qx = abs(x - (bx + w / 2)) - (w / 2 - r)
            let qy = abs(y - (by + h / 2)) - (h / 2 - r)
            let outside = (max(qx, 0) * max(qx, 0) + max(qy, 0) * max(qy, 0)).squareRoot()
            return outside + min(max(qx, qy), 0) - r
        case .stroke(let points, let width):
            var nearest = Double.infinity
            for index in points.indices {
                let a = points[index]
                let b = index + 1 < points.count ? points[index + 1] : a
                nearest = min(nearest, Self.distance(x, y, toSegment: a, b))
            }
            return nearest - width / 2
        case .polygon(let points):
            return Self.convexDistance(x, y, points)
        }
    }

    private static func distance(_ x: Double, _ y: Double, toSegment a: FigurePoint, _ b: FigurePoint) -> Double {
        let (abx, aby) = (b.x - a.x, b.y - a.y)
        let length = abx * abx + aby * aby
        let t = length == 0 ? 0 : min(1, max(0, ((x - a.x) * abx + (y - a.y) * aby) / length))
        let (dx, dy) = (x - (a.x + t * abx), y - (a.y + t * aby))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Largest signed distance to the edge lines, for a convex polygon in either winding.
    private static func convexDistance(_ x: Double, _ y: Double, _ points: [FigurePoint]) -> Double {
        guard points.count >= 3 else { return .infinity }
        var area = 0.0
        for index in points.indices {
            let (a, b) = (points[index], points[(index + 1) % points.count])
            area += a.x * b.y - b.x * a.y
        }
        let sign: Double = area >= 0 ? 1 : -1
        var distance = -Double.infinity
        for index in points.indices {
            let (a, b) = (points[index], points[(index + 1) % points.count])
            let (ex, ey) = (b.x - a.x, b.y - a.y)
            let length = (ex * ex + ey * ey).squareRoot()
            guard length > 0 else { continue }
            // Outward normal of a counter-clockwise (in y-down pixels: clockwise on screen) edge.
            let outward = sign * ((x - a.x) * ey - (y - a.y) * ex) / length
            distance = max(distance, outward)
        }
        return distance
    }
}
