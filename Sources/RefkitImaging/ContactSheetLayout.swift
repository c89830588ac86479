import RefkitCore

/// Geometry of a contact sheet: `columns` cells per row, each a square image area with a label strip below.
public struct ContactSheetLayout: Sendable, Equatable {
    /// Number of items laid out.
    public var count: Int
    /// Cells per row actually used (never more than `count`).
    public var columns: Int
    /// Side of each cell's square image area, in pixels.
    public var cell: Int

    /// Lays out `count` items at most `columns` per row.
    public init(count: Int, columns: Int, cell: Int) {
        self.count = count
        self.columns = max(1, min(columns, count))
        self.cell = cell
    }

    /// Number of rows.
    public var rows: Int { (count + columns - 1) / columns }
    /// Height of the label strip under each cell.
    public var labelHeight: Int { max(20, cell / 8) }
    /// Gap around each picture inside its cell.
    public var padding: Int { max(2, cell / 32) }
    /// Sheet width in pixels.
    public var width: Int { columns * cell }
    /// Sheet height in pixels.
    public var height: Int { rows * (cell + labelHeight) }

    /// Top-left corner of item `index`'s cell.
    public func origin(of index: Int) -> (x: Int, y: Int) {
        ((index % columns) * cell, (index / columns) * (cell + labelHeight))
    }
}

/// How a contact sheet picture shows its reference's QA verdict: the word and its colours, the same
/// green, amber and red as the gallery's badges. Unchecked (`skipped`) references get no badge.
public struct ContactSheetBadge: Sendable, Equatable {
    /// The word drawn on the badge (`PASS`, `WARN`, `FAIL`).
    public var word: String
    /// The badge's background.
    public var fill: RGBColour
    /// The word's colour, chosen to stay legible on `fill`.
    public var ink: RGBColour

    /// The badge of `verdict`; nil for a reference no check could look at.
    public init?(_ verdict: QAVerdict) {
        switch verdict {
        case .skipped: return nil
        case .pass: self.init(word: "PASS", fill: RGBColour(46, 125, 50), ink: .white)
        case .warn: self.init(word: "WARN", fill: RGBColour(224, 160, 0), ink: RGBColour(34, 34, 34))
        case .fail: self.init(word: "FAIL", fill: RGBColour(198, 40, 40), ink: .white)
        }
    }

    private init(word: String, fill: RGBColour, ink: RGBColour) {
        self.word = word
        self.fill = fill
        self.ink = ink
    }
}
