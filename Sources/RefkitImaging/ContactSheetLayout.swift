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
