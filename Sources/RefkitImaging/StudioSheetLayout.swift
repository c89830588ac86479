import RefkitCore

/// Where everything on a studio contact sheet goes: a title band, then rows of labelled cells on a
/// six-column grid. The source is a larger cell at the left of the first row; the turnaround is one
/// row of four equal cells (front, 3/4, side, back) with an empty placeholder for any it lacks; body
/// shots, expressions, scenes and the rest follow, a section heading over each. Pictures rest on
/// their cell's bottom edge (one baseline per row) and QA badges sit in the picture's own top-right
/// corner. A pure value: `ImageOps.studioSheet` draws exactly these rectangles.
public struct StudioSheetLayout: Sendable, Equatable {
    /// The narrowest sheet: wide enough that a 3:4 cell shows its picture at about 300 px.
    public static let minimumWidth = 2048
    /// Grid columns of every row; the source spans two, a scene two.
    public static let columns = 6

    /// One reference asked for: its stage, its picture's upright size (nil: none to show).
    public struct Tile: Sendable, Equatable {
        /// The stage the picture was made for.
        public var stage: Stage
        /// The picture's upright size; nil draws an empty placeholder.
        public var picture: PixelSize?
        /// Its QA verdict; `pass`, `warn` and `fail` draw a badge, `fail` a red outline too.
        public var verdict: QAVerdict?
        /// What a placeholder says ("failed: safety_block", "pending").
        public var note: String?

        /// A tile; with no picture it is drawn as a placeholder carrying `note`.
        public init(stage: Stage, picture: PixelSize?, verdict: QAVerdict? = nil, note: String? = nil) {
            self.stage = stage
            self.picture = picture
            self.verdict = verdict
            self.note = note
        }
    }

    /// One laid-out cell: its picture area, the fitted picture, its caption and marks.
    public struct Cell: Sendable, Equatable {
        /// The caption under the cell (the stage's label, or `SOURCE`).
        public var label: String
        /// The stage shown; nil for the source.
        public var stage: Stage?
        /// The cell's picture area.
        public var frame: PixelRect
        /// Where the picture is drawn inside `frame`; nil for a placeholder.
        public var image: PixelRect?
        /// The caption's text box, under `frame`.
        public var caption: PixelRect
        /// A placeholder's text.
        public var note: String?
        /// The placeholder text's box, in the middle of `frame`.
        public var noteBox: PixelRect?
        /// The QA verdict drawn in `badge`.
        public var verdict: QAVerdict?
        /// The verdict badge, inside `image` at its top-right corner.
        public var badge: PixelRect?
        /// A failed picture's red outline: `image` grown by the outline thickness (inside `frame`).
        public var outline: PixelRect?
    }

    /// One row of cells; a section's first row has a heading.
    public struct Row: Sendable, Equatable {
        /// The section the row belongs to.
        public var section: StudioSheetSection
        /// The heading's text box, above the row's first cell; nil on a section's continuation rows.
        public var heading: PixelRect?
        /// The cells left to right (the source is separate: `StudioSheetLayout.source`).
        public var cells: [Cell]
    }

    /// Sheet width in pixels.
    public var width: Int
    /// Sheet height in pixels.
    public var height: Int
    /// The title: the kit's name.
    public var title: String
    /// The line under the title: date, status, providers and models.
    public var details: String
    /// The dark band across the top.
    public var titleBand: PixelRect
    /// The title's text box in the band.
    public var titleBox: PixelRect
    /// The details line's text box under the title (room for two lines).
    public var detailsBox: PixelRect
    /// The source picture's cell, at the left of the first row.
    public var source: Cell?
    /// The rows, top to bottom.
    public var rows: [Row]
    /// The title's text height (pixels per line).
    public var titleSize: Int
    /// The details line's text height.
    public var detailsSize: Int
    /// The section headings' text height.
    public var headingSize: Int
    /// The captions' and placeholder notes' text height.
    public var captionSize: Int
    /// Thickness of a failed picture's outline.
    public var outlineThickness: Int

    /// Lays out a sheet `width` pixels wide (at least `minimumWidth`). Tiles keep their order within
    /// a section, except the turnaround's fixed slots; a turnaround stage missing from `tiles` gets a
    /// placeholder saying it is not in the kit, so the row keeps its four columns whenever it is drawn.
    public init(title: String, details: String, source: PixelSize?, tiles: [Tile], width: Int = minimumWidth) {
        let grid = StudioSheetGrid(width: max(Self.minimumWidth, width))
        self.width = grid.width
        self.title = title
        self.details = details
        (titleSize, detailsSize, headingSize, captionSize) = (grid.titleSize, grid.detailsSize, grid.headingSize, grid.captionSize)
        outlineThickness = grid.outline
        titleBox = PixelRect(x: grid.margin, y: grid.margin / 2, width: grid.width - 2 * grid.margin, height: titleSize * 5 / 4)
        detailsBox = PixelRect(x: grid.margin, y: titleBox.maxY, width: titleBox.width, height: detailsSize * 2)
        titleBand = PixelRect(x: 0, y: 0, width: grid.width, height: detailsBox.maxY + grid.margin / 2)

        var rows: [Row] = []
        var top = titleBand.maxY + grid.margin
        var unplacedSource = source  // it takes the left of the first row
        for (section, sectionTiles) in Self.sections(of: tiles) {
            var remaining = sectionTiles[...]
            var headed = true
            while !remaining.isEmpty {
                let startColumn = unplacedSource == nil ? 0 : 2
                let chunk = remaining.prefix(max(1, (Self.columns - startColumn) / section.span))
                remaining = remaining.dropFirst(chunk.count)
                let cellWidth = grid.spanWidth(section.span)
                let frameHeight = Int((Double(cellWidth) * section.aspect).rounded())
                let headingHeight = headed ? grid.headingHeight : 0
                var bottom = top + headingHeight + frameHeight
                if let size = unplacedSource {
                    let frame = grid.sourceFrame(top: top, rowHeight: headingHeight + frameHeight, frameHeight: frameHeight)
                    self.source = grid.cell(label: "SOURCE", stage: nil, frame: frame, picture: size, verdict: nil, note: nil)
                    bottom = frame.maxY
                    unplacedSource = nil
                }
                let cells = chunk.enumerated().map { offset, tile in
                    let x = grid.x(column: startColumn + offset * section.span)
                    let frame = PixelRect(x: x, y: bottom - frameHeight, width: cellWidth, height: frameHeight)
                    return grid.cell(
                        label: tile.stage.label, stage: tile.stage, frame: frame, picture: tile.picture, verdict: tile.verdict,
                        note: tile.note)
                }
                let first = cells[0].frame
                let heading =
                    headed
                    ? PixelRect(x: first.x, y: first.y - headingHeight, width: grid.width - grid.margin - first.x, height: grid.headingSize)
                    : nil
                rows.append(Row(section: section, heading: heading, cells: cells))
                top = bottom + grid.captionHeight + grid.gap
                headed = false
            }
        }
        if let size = unplacedSource {  // a source and no references: the source alone
            let frame = grid.sourceFrame(top: top, rowHeight: 0, frameHeight: grid.spanWidth(1) * 4 / 3)
            self.source = grid.cell(label: "SOURCE", stage: nil, frame: frame, picture: size, verdict: nil, note: nil)
            top = frame.maxY + grid.captionHeight + grid.gap
        }
        self.rows = rows
        height = top - grid.gap + grid.margin
    }

    /// The tiles grouped into their sections, in drawing order; the turnaround padded to its four slots.
    static func sections(of tiles: [Tile]) -> [(StudioSheetSection, [Tile])] {
        var grouped: [StudioSheetSection: [Tile]] = [:]
        for tile in tiles { grouped[StudioSheetSection(tile.stage), default: []].append(tile) }
        if let turnaround = grouped[.turnaround] {
            grouped[.turnaround] = StudioSheetSection.turnaroundOrder.map { stage in
                turnaround.first { $0.stage == stage } ?? Tile(stage: stage, picture: nil, note: "not in this kit")
            }
        }
        return StudioSheetSection.allCases.compactMap { section in grouped[section].map { (section, $0) } }
    }

    /// Every cell, the source first, then row by row.
    public var cells: [Cell] { (source.map { [$0] } ?? []) + rows.flatMap(\.cells) }
}
