/// A font and pixel size for text drawn onto canvases.
struct TextStyle: Sendable, Equatable {
    /// Pango font description without a size, e.g. "DejaVu Sans Bold".
    var family: String
    /// Approximate height of a line in pixels.
    var pixelSize: Int

    static func label(pixelSize: Int) -> TextStyle { TextStyle(family: "DejaVu Sans Bold", pixelSize: pixelSize) }
    static func title(pixelSize: Int) -> TextStyle { TextStyle(family: "DejaVu Sans Bold", pixelSize: pixelSize) }
    static func body(pixelSize: Int) -> TextStyle { TextStyle(family: "DejaVu Sans", pixelSize: pixelSize) }

    /// Fonts are described at 12 pt; the dpi scales them to `pixelSize`.
    var font: String { "\(family) 12" }
    var dpi: Int { max(1, pixelSize * 6) }
}
