/// The layout of each view: where the figure stands and how it is posed. Pure geometry.
///
/// Views differ in pose and framing, not only in the face, so that QA's perceptual hashes
/// (32 x 32 pHash, 9 x 8 dHash) never take two views of one kit for the same picture.
extension FigureSketch {
    /// How the arms hang on a full figure.
    enum ArmPose: Equatable {
        /// Slightly away from the body (front view).
        case apart
        /// Straight down along the body (back view).
        case hanging
        /// One hand waving, the other on the hip (full-body view).
        case waving
        /// Elbows bent, hands together in front of the waist (half-body view).
        case folded
    }

    /// The drawing area above the label band.
    var area: (width: Double, height: Double) { (Double(width), Double(height - band)) }

    /// Every shape of the sketch, back to front.
    public func shapes() -> [FigureShape] {
        let (w, a) = area
        var shapes = [FigureShape(.backdrop, .box(x: 0, y: 0, width: w, height: a, corner: 0), colours.background)]
        switch view {
        case .bust:
            shapes += bust(x: w / 2, y: a * 0.42, h: a * 0.4, facing: .front)
        case .threeQuarter:
            shapes += bust(x: w * 0.46, y: a * 0.42, h: a * 0.42, facing: .threeQuarter)
        case .expression(let name):
            let expression = FigureExpression.named(name)
            let layout = expression.layout
            shapes += backdrop(layout.backdrop)
            shapes += bust(x: w * (0.5 + layout.dx), y: a * (0.42 + layout.dy), h: a * layout.head, facing: .front, expression: expression)
        case .front:
            shapes += figure(x: w / 2, top: a * 0.05, h: a * 0.88 / 5, heads: 5, facing: .front, arms: .apart)
        case .back:
            // Smaller than the front and off its centre line: the same silhouette in the same place
            // would hash alike (pHash 6-8 bits from the front in a trial).
            shapes += figure(x: w * 0.43, top: a * 0.11, h: a * 0.8 / 5, heads: 5, facing: .back, arms: .hanging)
        case .side:
            shapes += figure(x: w * 0.52, top: a * 0.05, h: a * 0.88 / 5, heads: 5, facing: .left, arms: .hanging)
        case .fullBody:
            shapes.append(
                FigureShape(.ground, .box(x: 0, y: a * 0.8, width: w, height: a * 0.2, corner: 0), colours.background.scaled(0.8)))
            shapes += figure(x: w * 0.56, top: a * 0.12, h: a * 0.8 / 6.5, heads: 6.5, facing: .front, arms: .waving)
        case .halfBody:
            let h = a * 0.27
            shapes += figure(x: w / 2, top: a * 0.05, h: h, heads: 6, facing: .front, arms: .folded)
        case .scene(let id):
            shapes += scene(id: id)
        }
        return shapes
    }

    /// Where the face is, (x, y, width, height) in pixels: the pasted face goes here, and tests
    /// look here for features. Nil for scenes, where the figure is too small to matter.
    public var headBox: (x: Int, y: Int, width: Int, height: Int)? {
        let heads = shapes().filter { $0.part == .head }
        if let head = heads.first { return head.bounds }
        guard pastesFace, let (x, y, h) = headPlacement else { return nil }
        let side = 1.0 * h
        return (Int(x - side / 2), Int(y - side / 2), Int(side), Int(side))
    }

    /// The head's centre and height for the views that paste a face.
    private var headPlacement: (x: Double, y: Double, h: Double)? {
        let (w, a) = area
        switch view {
        case .bust: return (w / 2, a * 0.42, a * 0.4)
        case .expression(let name):
            let layout = FigureExpression.named(name).layout
            return (w * (0.5 + layout.dx), a * (0.42 + layout.dy), a * layout.head)
        case .front: return (w / 2, a * 0.05 + a * 0.88 / 10, a * 0.88 / 5)
        case .fullBody: return (w * 0.56, a * 0.12 + a * 0.8 / 13, a * 0.8 / 6.5)
        case .halfBody: return (w / 2, a * 0.05 + a * 0.135, a * 0.27)
        default: return nil
        }
    }

    /// Head and shoulders, the head of height `h` centred at (x, y).
    private func bust(x: Double, y: Double, h: Double, facing: Facing, expression: FigureExpression = .neutral) -> [FigureShape] {
        let a = area.height
        let turn = facing == .threeQuarter ? 0.12 * h : 0
        let shoulders = FigureShape(
            .torso, .box(x: x - 1.0 * h + turn * 2, y: y + 0.72 * h, width: 2.0 * h - turn, height: a - y, corner: 0.35 * h), colours.outfit
        )
        let neck = FigureShape(
            .neck, .box(x: x - 0.14 * h + turn, y: y + 0.3 * h, width: 0.28 * h, height: 0.5 * h, corner: 0), colours.skin.scaled(0.9))
        return [neck, shoulders] + head(x: x, y: y, h: h, facing: facing, expression: expression)
    }

    /// A standing figure `heads` head-heights tall, head of height `h`, its top at `top`.
    func figure(x: Double, top: Double, h: Double, heads: Double, facing: Facing, arms: ArmPose) -> [FigureShape] {
        let outfit = colours.outfit
        let trousers = outfit.scaled(0.55)
        let profile = facing == .left
        let halfShoulders = (profile ? 0.36 : 0.8) * h
        let shoulderY = top + 1.12 * h
        let hipY = top + h + 0.46 * (heads - 1) * h
        let footY = top + heads * h - 0.08 * h
        var shapes: [FigureShape] = []
        // Legs and shoes first: the torso covers their tops.
        let legs: [(hip: Double, foot: Double)] =
            profile
            ? [(x + 0.05 * h, x + 0.3 * h), (x - 0.05 * h, x - 0.28 * h)] : [(x - 0.38 * h, x - 0.45 * h), (x + 0.38 * h, x + 0.45 * h)]
        for (index, leg) in legs.enumerated() {
            // In profile the far leg is a shade darker so the two read apart.
            let ink = profile && index == 0 ? trousers.scaled(0.8) : trousers
            shapes.append(FigureShape(.leg, .stroke([.init(leg.hip, hipY), .init(leg.foot, footY - 0.1 * h)], width: 0.42 * h), ink))
            let toe = profile ? -0.14 * h : 0
            shapes.append(
                FigureShape(
                    .shoe, .ellipse(centre: .init(leg.foot + toe, footY), radiusX: (profile ? 0.3 : 0.24) * h, radiusY: 0.12 * h), Ink.shoe)
            )
        }
        let neck = FigureShape(
            .neck, .box(x: x - 0.13 * h, y: top + 0.8 * h, width: 0.26 * h, height: 0.45 * h, corner: 0), colours.skin.scaled(0.9))
        let torso = FigureShape(
            .torso,
            .box(
                x: x - halfShoulders, y: shoulderY - 0.06 * h, width: 2 * halfShoulders, height: hipY - shoulderY + 0.2 * h, corner: 0.3 * h
            ),
            outfit)
        shapes += [neck, torso]
        shapes += self.arms(x: x, h: h, halfShoulders: halfShoulders, shoulderY: shoulderY, hipY: hipY, pose: arms, profile: profile)
        let headX = profile ? x - 0.06 * h : x
        shapes += head(x: headX, y: top + 0.5 * h, h: h, facing: facing)
        if facing == .back {
            // From behind, the hair falls over the nape and the top of the back.
            let fall = FigureShape(
                .hair, .box(x: x - 0.46 * h, y: top + 0.5 * h, width: 0.92 * h, height: 1.25 * h, corner: 0.3 * h), colours.hair)
            shapes.append(fall)
        }
        return shapes
    }

    private func arms(
        x: Double, h: Double, halfShoulders: Double, shoulderY: Double, hipY: Double, pose: ArmPose, profile: Bool
    ) -> [FigureShape] {
        let sleeve = colours.outfit.scaled(0.92)
        let width = 0.3 * h
        var paths: [[FigurePoint]] = []
        if profile {
            // Only the near arm shows, swinging a little forward (to the left).
            paths.append([.init(x, shoulderY + 0.12 * h), .init(x - 0.08 * h, hipY - 0.3 * h), .init(x - 0.2 * h, hipY + 0.25 * h)])
        } else {
            for side in [-1.0, 1.0] {
                let shoulder = FigurePoint(x + side * (halfShoulders - 0.12 * h), shoulderY + 0.14 * h)
                switch pose {
                case .apart:
                    paths.append([shoulder, .init(x + side * (halfShoulders + 0.5 * h), hipY + 0.25 * h)])
                case .hanging:
                    paths.append([shoulder, .init(x + side * (halfShoulders + 0.1 * h), hipY + 0.35 * h)])
                case .folded:
                    let elbow = FigurePoint(x + side * (halfShoulders + 0.18 * h), shoulderY + 1.25 * h)
                    paths.append([shoulder, elbow, .init(x + side * 0.3 * h, shoulderY + 1.75 * h)])
                case .waving:
                    if side < 0 {
                        let elbow = FigurePoint(x - halfShoulders - 0.55 * h, shoulderY + 0.2 * h)
                        paths.append([shoulder, elbow, .init(x - halfShoulders - 0.45 * h, shoulderY - 0.75 * h)])
                    } else {
                        let elbow = FigurePoint(x + halfShoulders + 0.5 * h, shoulderY + 0.95 * h)
                        paths.append([shoulder, elbow, .init(x + halfShoulders - 0.02 * h, hipY - 0.05 * h)])
                    }
                }
            }
        }
        var shapes: [FigureShape] = []
        for path in paths {
            shapes.append(FigureShape(.arm, .stroke(path, width: width), sleeve))
            shapes.append(FigureShape(.hand, .ellipse(centre: path.last!, radiusX: 0.16 * h, radiusY: 0.16 * h), colours.skin))
        }
        return shapes
    }

    /// A backdrop block in a shade of the background that contrasts with it in grey.
    private func backdrop(_ backdrop: FigureExpression.Layout.Backdrop) -> [FigureShape] {
        let (w, a) = area
        let ink = colours.background.luma > 110 ? colours.background.scaled(0.62) : colours.background.scaled(1.9)
        switch backdrop {
        case .none: return []
        case .disc(let x, let y, let r):
            return [FigureShape(.backdrop, .ellipse(centre: .init(x * w, y * a), radiusX: r * min(w, a), radiusY: r * min(w, a)), ink)]
        case .block(let points):
            return [FigureShape(.backdrop, .polygon(points.map { FigurePoint($0.x * w, $0.y * a) }), ink)]
        }
    }

    /// The figure small in a scene: a sky and ground tinted from the scene id, a sun or lamp,
    /// and the figure standing where the seed puts it.
    private func scene(id: String) -> [FigureShape] {
        let (w, a) = area
        let tints = [
            (RGBColour(250, 190, 140), RGBColour(120, 90, 80)), (RGBColour(120, 150, 210), RGBColour(60, 80, 70)),
            (RGBColour(200, 170, 140), RGBColour(110, 80, 60)), (RGBColour(170, 215, 235), RGBColour(90, 140, 80)),
            (RGBColour(90, 80, 140), RGBColour(50, 50, 70)), (RGBColour(230, 220, 200), RGBColour(150, 140, 120)),
        ]
        let key = FigureExpression.nameSeed(id)
        let (sky, ground) = tints[Int(key % UInt64(tints.count))]
        var random = SeededGenerator(seed: key ^ seed)
        let horizon = a * (0.55 + Double(random.below(15)) / 100)
        var shapes = [
            FigureShape(.backdrop, .box(x: 0, y: 0, width: w, height: horizon, corner: 0), sky),
            FigureShape(.ground, .box(x: 0, y: horizon, width: w, height: a - horizon, corner: 0), ground),
        ]
        let sunX = w * (0.1 + Double(random.below(80)) / 100)
        shapes.append(
            FigureShape(.backdrop, .ellipse(centre: .init(sunX, a * 0.16), radiusX: a * 0.08, radiusY: a * 0.08), RGBColour(255, 240, 200)))
        // A skyline of a few blocks on the horizon, so scenes are not only two bands.
        var left = 0.0
        while left < w {
            let blockWidth = w * Double(8 + random.below(12)) / 100
            let blockHeight = a * Double(5 + random.below(20)) / 100
            if random.below(3) > 0 {
                shapes.append(
                    FigureShape(
                        .backdrop, .box(x: left, y: horizon - blockHeight, width: blockWidth, height: blockHeight, corner: 0),
                        ground.scaled(1.25)))
            }
            left += blockWidth
        }
        let h = a * 0.5 / 5.5
        let x = w * (0.25 + Double(random.below(50)) / 100)
        shapes += figure(x: x, top: a * 0.92 - 5.5 * h, h: h, heads: 5.5, facing: .front, arms: .apart)
        return shapes
    }
}
