/// An 8-bit sRGB colour used as ink or background.
public struct RGBColour: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double

    /// A colour from 0...255 components.
    public init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    static let white = RGBColour(255, 255, 255)
    static let ink = RGBColour(28, 30, 36)
    static let labelBand = RGBColour(32, 34, 40)

    var components: [Double] { [red, green, blue] }

    /// The colour as CSS writes it (`#c62828`), so the gallery uses the very colours the contact sheet draws.
    public var hex: String {
        "#"
            + components.map { component in
                let byte = Int(min(255, max(0, component.rounded())))
                return (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }.joined()
    }
}
