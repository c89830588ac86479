/// Validates requested output sizes so vips never sees a zero or absurd canvas.
enum CanvasGeometry {
    static let maxSide = 16_384

    static func validate(width: Int, height: Int, minimum: Int = 16) throws(ImagingError) {
        guard (minimum...maxSide).contains(width), (minimum...maxSide).contains(height) else {
            throw .invalidArgument("canvas \(width) x \(height) is outside \(minimum)...\(maxSide)")
        }
    }

    /// A margin proportional to the smaller side.
    static func margin(width: Int, height: Int) -> Int {
        max(4, min(width, height) / 32)
    }
}
