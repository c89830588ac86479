import Foundation

/// Heads: hair, face and features for each way a head can face.
extension FigureSketch {
    /// Which way a drawn head faces.
    enum Facing: Equatable {
        case front
        /// Turned about 45 degrees towards the viewer's left.
        case threeQuarter
        /// A profile facing the viewer's left.
        case left
        case back
    }

    /// Fixed inks of the face: chosen apart from any skin or hair tone so tests can find them.
    enum Ink {
        static let eyeWhite = RGBColour(250, 250, 250)
        static let pupil = RGBColour(52, 40, 90)
        static let mouth = RGBColour(170, 50, 70)
        static let mouthInside = RGBColour(90, 20, 35)
        static let shoe = RGBColour(48, 44, 46)
    }

    /// A head of height `h` centred at (x, y); a frontal head is left out when a face is pasted there.
    func head(
        x: Double, y: Double, h: Double, facing: Facing, expression: FigureExpression = .neutral
    ) -> [FigureShape] {
        let (rx, ry) = (0.4 * h, 0.5 * h)
        let hair = colours.hair
        let skin = colours.skin
        let shade = skin.scaled(0.86)
        let dark = hair.scaled(0.7)
        var shapes: [FigureShape] = []
        switch facing {
        case .front:
            if pastesFace { return [] }
            shapes.append(FigureShape(.hair, .ellipse(centre: .init(x, y - 0.06 * h), radiusX: rx * 1.16, radiusY: ry * 1.02), hair))
            for side in [-1.0, 1.0] {
                shapes.append(
                    FigureShape(.ear, .ellipse(centre: .init(x + side * rx, y + 0.04 * h), radiusX: 0.08 * h, radiusY: 0.12 * h), shade))
            }
            shapes.append(FigureShape(.head, .ellipse(centre: .init(x, y), radiusX: rx, radiusY: ry), skin))
            shapes.append(FigureShape(.hair, .ellipse(centre: .init(x, y - 0.36 * h), radiusX: rx * 1.02, radiusY: 0.2 * h), hair))
            shapes += face(x: x, y: y, h: h, expression: expression, brow: dark)
        case .threeQuarter:
            shapes.append(
                FigureShape(.hair, .ellipse(centre: .init(x + 0.1 * h, y - 0.06 * h), radiusX: rx * 1.12, radiusY: ry * 1.02), hair))
            shapes.append(
                FigureShape(.ear, .ellipse(centre: .init(x + rx * 0.72, y + 0.05 * h), radiusX: 0.07 * h, radiusY: 0.12 * h), shade))
            shapes.append(FigureShape(.head, .ellipse(centre: .init(x, y), radiusX: rx * 0.96, radiusY: ry), skin))
            shapes.append(FigureShape(.hair, .ellipse(centre: .init(x + 0.06 * h, y - 0.36 * h), radiusX: rx, radiusY: 0.2 * h), hair))
            shapes.append(
                FigureShape(.ear, .ellipse(centre: .init(x + rx * 0.72, y + 0.05 * h), radiusX: 0.06 * h, radiusY: 0.1 * h), shade))
            // The far eye is narrow and near the outline; the nose crosses the face towards it.
            shapes += eye(x: x - 0.24 * h, y: y + 0.02 * h, h: h, width: 0.045, open: 1, gaze: 0)
            shapes += eye(x: x + 0.04 * h, y: y + 0.02 * h, h: h, width: 0.085, open: 1, gaze: 0)
            shapes.append(
                FigureShape(.brow, .stroke([.init(x - 0.06 * h, y - 0.1 * h), .init(x + 0.12 * h, y - 0.09 * h)], width: 0.03 * h), dark))
            let nose = [FigurePoint(x - 0.12 * h, y + 0.02 * h), .init(x - 0.2 * h, y + 0.16 * h), .init(x - 0.12 * h, y + 0.18 * h)]
            shapes.append(FigureShape(.nose, .stroke(nose, width: 0.025 * h), shade.scaled(0.9)))
            shapes.append(
                FigureShape(
                    .mouth, .stroke(arc(x: x - 0.1 * h, y: y + 0.3 * h, halfWidth: 0.09 * h, bend: 0.02 * h), width: 0.03 * h), Ink.mouth))
        case .left:
            shapes.append(
                FigureShape(.hair, .ellipse(centre: .init(x + 0.14 * h, y - 0.06 * h), radiusX: rx * 1.05, radiusY: ry * 0.98), hair))
            shapes.append(FigureShape(.head, .ellipse(centre: .init(x, y), radiusX: rx * 0.95, radiusY: ry), skin))
            shapes.append(
                FigureShape(.nose, .ellipse(centre: .init(x - rx * 0.98, y + 0.06 * h), radiusX: 0.1 * h, radiusY: 0.07 * h), skin))
            shapes.append(
                FigureShape(.hair, .ellipse(centre: .init(x + 0.08 * h, y - 0.36 * h), radiusX: rx * 0.95, radiusY: 0.19 * h), hair))
            shapes.append(
                FigureShape(.ear, .ellipse(centre: .init(x + 0.1 * h, y + 0.05 * h), radiusX: 0.07 * h, radiusY: 0.11 * h), shade))
            // One eye, a dark dot with no white: a profile shows the eye edge-on.
            shapes.append(FigureShape(.pupil, .ellipse(centre: .init(x - rx * 0.6, y), radiusX: 0.03 * h, radiusY: 0.045 * h), Ink.pupil))
            shapes.append(
                FigureShape(.brow, .stroke([.init(x - rx * 0.78, y - 0.1 * h), .init(x - rx * 0.4, y - 0.11 * h)], width: 0.03 * h), dark))
            shapes.append(
                FigureShape(
                    .mouth, .stroke([.init(x - rx * 0.88, y + 0.3 * h), .init(x - rx * 0.62, y + 0.29 * h)], width: 0.03 * h), Ink.mouth))
        case .back:
            // Skin first so a sliver of nape shows under the hair; the hair covers every feature.
            shapes.append(FigureShape(.head, .ellipse(centre: .init(x, y), radiusX: rx, radiusY: ry), skin))
            for side in [-1.0, 1.0] {
                shapes.append(
                    FigureShape(.ear, .ellipse(centre: .init(x + side * rx, y + 0.04 * h), radiusX: 0.07 * h, radiusY: 0.11 * h), shade))
            }
            shapes.append(FigureShape(.hair, .ellipse(centre: .init(x, y - 0.05 * h), radiusX: rx * 1.12, radiusY: ry * 1.0), hair))
            shapes.append(FigureShape(.hair, .stroke([.init(x, y - 0.5 * h), .init(x + 0.03 * h, y - 0.15 * h)], width: 0.03 * h), dark))
        }
        return shapes
    }

    /// Eyes, brows and mouth of a frontal face.
    private func face(x: Double, y: Double, h: Double, expression: FigureExpression, brow: RGBColour) -> [FigureShape] {
        var shapes: [FigureShape] = []
        for side in [-1.0, 1.0] {
            let ex = x + side * 0.16 * h
            let ey = y + 0.02 * h
            let closed: Bool
            switch expression.eyes {
            case .open(let open, let gaze):
                shapes += eye(x: ex, y: ey, h: h, width: 0.085, open: open, gaze: gaze)
                closed = false
            case .closed: closed = true
            case .wink:
                closed = side > 0
                if !closed { shapes += eye(x: ex, y: ey, h: h, width: 0.085, open: 1, gaze: 0) }
            }
            if closed {
                shapes.append(
                    FigureShape(.eye, .stroke(arc(x: ex, y: ey, halfWidth: 0.08 * h, bend: -0.04 * h), width: 0.03 * h), Ink.pupil))
            }
            let inner = FigurePoint(x + side * 0.07 * h, y - 0.11 * h + expression.brows.inner * h)
            let outer = FigurePoint(x + side * 0.25 * h, y - 0.11 * h + expression.brows.outer * h)
            shapes.append(FigureShape(.brow, .stroke([inner, outer], width: 0.035 * h), brow))
        }
        let my = y + 0.28 * h
        switch expression.mouth {
        case .curve(let bend):
            shapes.append(FigureShape(.mouth, .stroke(arc(x: x, y: my, halfWidth: 0.13 * h, bend: bend * h), width: 0.035 * h), Ink.mouth))
        case .open:
            shapes.append(
                FigureShape(.mouth, .ellipse(centre: .init(x, my + 0.02 * h), radiusX: 0.07 * h, radiusY: 0.09 * h), Ink.mouthInside))
        case .laugh:
            let half = (0...8).map { step -> FigurePoint in
                let angle = Double(step) / 8 * Double.pi
                return FigurePoint(x + 0.15 * h * cos(angle), my - 0.03 * h + 0.13 * h * sin(angle))
            }
            shapes.append(FigureShape(.mouth, .polygon(half), Ink.mouthInside))
        case .wavy:
            let points = (0...6).map { FigurePoint(x - 0.13 * h + Double($0) * 0.043 * h, my + ($0 % 2 == 0 ? 0.015 : -0.015) * h) }
            shapes.append(FigureShape(.mouth, .stroke(points, width: 0.03 * h), Ink.mouth))
        }
        return shapes
    }

    /// An eye of half-width `width` head heights: white and pupil.
    private func eye(x: Double, y: Double, h: Double, width: Double, open: Double, gaze: Double) -> [FigureShape] {
        let white = FigureShape(.eye, .ellipse(centre: .init(x, y), radiusX: width * h, radiusY: 0.05 * h * open), Ink.eyeWhite)
        let radius = min(0.045 * h, 0.05 * h * open) * min(1, width / 0.085 + 0.2)
        let pupil = FigureShape(.pupil, .ellipse(centre: .init(x, y + gaze * h), radiusX: radius, radiusY: radius), Ink.pupil)
        return [white, pupil]
    }

    /// A bent line through (x - halfWidth, y), (x, y + bend), (x + halfWidth, y).
    func arc(x: Double, y: Double, halfWidth: Double, bend: Double) -> [FigurePoint] {
        (0...8).map { step in
            let t = Double(step) / 4 - 1
            return FigurePoint(x + t * halfWidth, y + bend * (1 - t * t))
        }
    }
}

extension RGBColour {
    /// Each component multiplied by `factor`, kept within 0...255.
    func scaled(_ factor: Double) -> RGBColour {
        RGBColour(min(255, red * factor), min(255, green * factor), min(255, blue * factor))
    }

    /// Luma (Rec. 601), 0...255.
    var luma: Double { 0.299 * red + 0.587 * green + 0.114 * blue }
}
