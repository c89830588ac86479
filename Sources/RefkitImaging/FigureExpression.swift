/// How a drawn face looks for one expression, and where its bust sits on the canvas.
///
/// The face alone changes a few hundred pixels, far too little for a 32 x 32 perceptual hash:
/// two expressions would be near-duplicates to QA. So each expression also has a layout slot
/// (head offset, head size, a backdrop block) that moves the picture's low frequencies.
struct FigureExpression: Sendable, Equatable {
    enum Mouth: Sendable, Equatable {
        /// A curve: positive bends the middle down (a smile), negative up (a frown).
        case curve(Double)
        /// An open oval (surprise).
        case open
        /// A wide open half-disc (laughing).
        case laugh
        /// A wavy line (unsure, scared).
        case wavy
    }

    enum Eyes: Sendable, Equatable {
        /// Open, scaled in height (1 normal, above 1 wide, below 1 narrowed); pupils lowered by `gaze`.
        case open(Double, gaze: Double)
        /// Closed, as happy arcs.
        case closed
        /// One open, one closed.
        case wink
    }

    var mouth: Mouth
    var eyes: Eyes
    /// Brow ends, in head heights, negative up: (inner end, outer end).
    var brows: (inner: Double, outer: Double)
    /// Where the bust sits and what backdrop is behind it.
    var layout: Layout

    static func == (lhs: FigureExpression, rhs: FigureExpression) -> Bool {
        lhs.mouth == rhs.mouth && lhs.eyes == rhs.eyes && lhs.brows == rhs.brows && lhs.layout == rhs.layout
    }

    /// The neutral face of busts and full figures.
    static let neutral = FigureExpression(mouth: .curve(0.02), eyes: .open(1, gaze: 0), brows: (0, 0), layout: layouts[0])

    /// The named expressions, each with its own layout slot (0 is the plain bust, never used here).
    static let named: [String: FigureExpression] = [
        "smile": FigureExpression(mouth: .curve(0.08), eyes: .open(0.9, gaze: 0), brows: (-0.01, 0.01), layout: layouts[1]),
        "serious": FigureExpression(mouth: .curve(0), eyes: .open(0.75, gaze: 0), brows: (0.02, 0.02), layout: layouts[2]),
        "surprised": FigureExpression(mouth: .open, eyes: .open(1.5, gaze: 0), brows: (-0.07, -0.07), layout: layouts[3]),
        "angry": FigureExpression(mouth: .curve(-0.06), eyes: .open(0.6, gaze: 0), brows: (0.05, -0.04), layout: layouts[4]),
        "sad": FigureExpression(mouth: .curve(-0.07), eyes: .open(0.8, gaze: 0.02), brows: (-0.05, 0.03), layout: layouts[5]),
        "laughing": FigureExpression(mouth: .laugh, eyes: .closed, brows: (-0.04, -0.04), layout: layouts[6]),
        "happy": FigureExpression(mouth: .curve(0.1), eyes: .closed, brows: (-0.03, -0.02), layout: layouts[7]),
        "neutral": FigureExpression(mouth: .curve(0.01), eyes: .open(1, gaze: 0), brows: (0, 0), layout: layouts[8]),
        "wink": FigureExpression(mouth: .curve(0.07), eyes: .wink, brows: (-0.02, -0.02), layout: layouts[9]),
        "scared": FigureExpression(mouth: .wavy, eyes: .open(1.4, gaze: 0), brows: (-0.06, 0.01), layout: layouts[10]),
        "thinking": FigureExpression(mouth: .curve(-0.02), eyes: .open(0.85, gaze: -0.02), brows: (-0.04, 0.02), layout: layouts[11]),
    ]

    /// A known expression, or a variant picked from the name for unknown ones (the same name
    /// always gets the same face and layout).
    static func named(_ name: String) -> FigureExpression {
        let key = name.lowercased()
        if let known = named[key] { return known }
        if key == "laugh" || key == "laughter" { return named["laughing"]! }
        if key == "happiness" || key == "joyful" { return named["happy"]! }
        var random = SeededGenerator(seed: nameSeed(key))
        let mouths: [Mouth] = [.curve(0.09), .curve(-0.05), .open, .laugh, .wavy, .curve(0)]
        let eyes: [Eyes] = [.open(1.2, gaze: 0), .open(0.7, gaze: 0.02), .closed, .wink, .open(1, gaze: -0.02)]
        let brows: [(Double, Double)] = [(-0.05, 0.02), (0.04, -0.03), (-0.06, -0.06), (0.01, 0.01)]
        return FigureExpression(
            mouth: mouths[random.below(mouths.count)], eyes: eyes[random.below(eyes.count)], brows: brows[random.below(brows.count)],
            layout: variantLayout(&random))
    }

    /// A layout of its own for an unknown name: a backdrop disc placed anywhere on a 5 x 5 grid
    /// with the bust offset away from it, so unknown names rarely meet a named layout or each other.
    static func variantLayout(_ random: inout SeededGenerator) -> Layout {
        let (column, row) = (random.below(5), random.below(5))
        let x = 0.1 + Double(column) * 0.2
        let dx = (x < 0.5 ? 1.0 : -1.0) * Double(6 + random.below(9)) / 100
        let radius = Double(25 + random.below(20)) / 100
        return Layout(
            dx: dx, dy: Double(random.below(9) - 4) / 100, head: Double(34 + random.below(10)) / 100,
            backdrop: .disc(x: x, y: 0.1 + Double(row) * 0.2, radius: radius))
    }

    /// FNV-1a over the name's bytes: stable across runs and platforms, unlike `hashValue`.
    static func nameSeed(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return hash
    }

    /// Where an expression bust sits: head centre offset (fractions of the canvas), head size
    /// (fraction of the drawing height) and a backdrop block in a shade of the background.
    struct Layout: Sendable, Equatable {
        enum Backdrop: Sendable, Equatable {
            case none
            /// A disc behind the head, centre and radius in fractions of the drawing area.
            case disc(x: Double, y: Double, radius: Double)
            /// A convex polygon, points in fractions of the drawing area.
            case block([FigurePoint])
        }

        var dx: Double
        var dy: Double
        var head: Double
        var backdrop: Backdrop
    }

    static let layouts: [Layout] = [
        Layout(dx: 0, dy: 0, head: 0.40, backdrop: .none),
        Layout(dx: -0.12, dy: 0, head: 0.40, backdrop: .disc(x: 0.72, y: 0.25, radius: 0.3)),
        Layout(dx: 0.1, dy: 0.02, head: 0.36, backdrop: .block([.init(0, 0), .init(0.42, 0), .init(0.42, 1), .init(0, 1)])),
        Layout(dx: 0, dy: 0.06, head: 0.34, backdrop: .block([.init(0, 0), .init(1, 0), .init(1, 0.3), .init(0, 0.3)])),
        Layout(dx: -0.08, dy: 0, head: 0.44, backdrop: .block([.init(1, 0), .init(1, 1), .init(0.25, 1)])),
        Layout(dx: 0.12, dy: 0.03, head: 0.38, backdrop: .block([.init(0, 0.62), .init(1, 0.62), .init(1, 1), .init(0, 1)])),
        Layout(dx: -0.1, dy: 0.04, head: 0.36, backdrop: .disc(x: 0.5, y: 0.9, radius: 0.45)),
        Layout(dx: 0.12, dy: -0.02, head: 0.42, backdrop: .block([.init(0, 0), .init(0.7, 0), .init(0, 0.7)])),
        Layout(dx: -0.12, dy: 0.02, head: 0.36, backdrop: .block([.init(0.6, 0), .init(1, 0), .init(1, 1), .init(0.6, 1)])),
        Layout(dx: 0.08, dy: 0.05, head: 0.35, backdrop: .disc(x: 0.15, y: 0.15, radius: 0.35)),
        Layout(dx: 0, dy: -0.03, head: 0.44, backdrop: .block([.init(0, 0.45), .init(1, 0.15), .init(1, 1), .init(0, 1)])),
        Layout(dx: 0.06, dy: 0.04, head: 0.38, backdrop: .disc(x: 0.85, y: 0.8, radius: 0.4)),
    ]
}
