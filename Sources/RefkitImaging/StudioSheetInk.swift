/// The studio sheet's few colours besides the QA badges'.
enum StudioSheetInk {
    static let paper = RGBColour.white
    static let band = RGBColour.labelBand
    static let bandText = RGBColour(200, 202, 210)
    static let heading = RGBColour(96, 100, 112)
    /// An empty slot: light grey, so it stands apart from the white paper around the pictures.
    static let placeholder = RGBColour(232, 233, 237)
    static let note = RGBColour(110, 112, 120)
}
