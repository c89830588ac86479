import RefkitCore

/// The measures of a studio sheet, all scaled from its width so a wider sheet is the same sheet
/// larger: margins, the grid's column width, text sizes, and how one cell is laid out.
struct StudioSheetGrid {
    let width: Int
    let margin: Int
    let gap: Int
    /// Width of one grid column.
    let column: Int
    let titleSize: Int
    let detailsSize: Int
    let headingSize: Int
    let captionSize: Int
    /// White space between a cell's edge and its picture, wider than the outline drawn in it.
    let padding: Int
    let outline: Int
    let badgeHeight: Int

    init(width: Int) {
        self.width = width
        margin = width / 48
        gap = width / 80
        column = (width - 2 * margin - (StudioSheetLayout.columns - 1) * gap) / StudioSheetLayout.columns
        titleSize = width / 40
        detailsSize = width / 85
        headingSize = max(14, width / 90)
        captionSize = max(12, width / 100)
        outline = max(3, column / 100)
        padding = max(outline + 2, column / 40)
        badgeHeight = max(12, column / 12)
    }

    /// Room above a section's first row for its heading.
    var headingHeight: Int { headingSize + gap / 2 }
    /// Room under each cell for its caption: two lines, so a long label wraps rather than shrinks.
    var captionHeight: Int { captionSize * 2 + padding }

    /// Left edge of grid column `index`.
    func x(column index: Int) -> Int { margin + index * (column + gap) }

    /// Width of a cell spanning `span` columns and the gaps between them.
    func spanWidth(_ span: Int) -> Int { span * column + (span - 1) * gap }

    /// The source's cell: two columns wide, a quarter taller than the row's cells (and never shorter
    /// than the row with its heading), its bottom on the row's baseline.
    func sourceFrame(top: Int, rowHeight: Int, frameHeight: Int) -> PixelRect {
        PixelRect(x: margin, y: top, width: spanWidth(2), height: max(rowHeight, frameHeight * 5 / 4))
    }

    /// A cell whose picture area is `frame`: the picture fitted inside the padding on the bottom
    /// edge, or, without one, a placeholder with `note` in the middle.
    func cell(
        label: String, stage: Stage?, frame: PixelRect, picture: PixelSize?, verdict: QAVerdict?, note: String?
    ) -> StudioSheetLayout.Cell {
        let inner = frame.inset(by: padding)
        let caption = PixelRect(x: frame.x, y: frame.maxY + padding / 2, width: frame.width, height: captionHeight - padding / 2)
        var cell = StudioSheetLayout.Cell(
            label: label, stage: stage, frame: frame, image: nil, caption: caption, note: nil, noteBox: nil, verdict: nil,
            badge: nil, outline: nil)
        guard let picture else {
            cell.note = note
            cell.noteBox = PixelRect(x: inner.x, y: inner.midY - captionSize * 3 / 2, width: inner.width, height: captionSize * 3)
            return cell
        }
        let image = inner.fitting(picture)
        cell.image = image
        if let verdict, ContactSheetBadge(verdict) != nil {
            cell.verdict = verdict
            cell.badge = badge(on: image, fallback: inner)
            if verdict == .fail { cell.outline = image.inset(by: -outline) }
        }
        return cell
    }

    /// The badge at the picture's top-right corner, a little in from both edges; shrunk to fit a
    /// narrow picture, and on the cell's corner only when the picture is too thin to carry one.
    func badge(on image: PixelRect, fallback: PixelRect) -> PixelRect {
        let inset = max(2, badgeHeight / 6)
        let width = min(badgeHeight * 3, image.width - 2 * inset)
        let height = min(badgeHeight, image.height - 2 * inset)
        guard width >= badgeHeight, height >= badgeHeight / 2 else {
            return PixelRect(x: fallback.maxX - badgeHeight * 3, y: fallback.y, width: badgeHeight * 3, height: badgeHeight)
        }
        return PixelRect(x: image.maxX - inset - width, y: image.y + inset, width: width, height: height)
    }
}
