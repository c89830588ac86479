/// The small fixed palette that preview canvases draw from; a seed picks one entry.
struct CanvasPalette: Sendable, Equatable {
    /// Soft background tint.
    var background: RGBColour
    /// Darker companion for bars and shapes.
    var accent: RGBColour

    static let all: [CanvasPalette] = [
        CanvasPalette(background: RGBColour(236, 240, 246), accent: RGBColour(52, 84, 140)),
        CanvasPalette(background: RGBColour(246, 238, 226), accent: RGBColour(150, 88, 40)),
        CanvasPalette(background: RGBColour(230, 242, 232), accent: RGBColour(46, 110, 70)),
        CanvasPalette(background: RGBColour(244, 232, 240), accent: RGBColour(128, 50, 100)),
        CanvasPalette(background: RGBColour(240, 240, 228), accent: RGBColour(96, 96, 40)),
        CanvasPalette(background: RGBColour(232, 238, 242), accent: RGBColour(40, 90, 110)),
    ]

    /// Deterministic choice for a seed.
    static func forSeed(_ seed: UInt64) -> CanvasPalette {
        all[Int(seed % UInt64(all.count))]
    }
}
