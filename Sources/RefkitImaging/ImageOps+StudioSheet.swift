import RefkitCore

extension ImageOps {
    /// The layout `studioSheet` draws for `content`: each picture's upright size read from its
    /// header (no pixels decoded), so callers and tests can find every cell, badge and caption.
    public static func studioSheetLayout(
        _ content: StudioSheetContent, width: Int = StudioSheetLayout.minimumWidth
    ) throws(ImagingError) -> StudioSheetLayout {
        var tiles: [StudioSheetLayout.Tile] = []
        for reference in content.references {
            let size = try reference.image.map { bytes throws(ImagingError) in
                try naming(reference.stage) { () throws(ImagingError) in try uprightSize(bytes) }
            }
            tiles.append(.init(stage: reference.stage, picture: size, verdict: reference.verdict, note: reference.note))
        }
        let source = try content.source.map { bytes throws(ImagingError) in
            try naming(nil) { () throws(ImagingError) in try uprightSize(bytes) }
        }
        return StudioSheetLayout(title: content.title, details: content.details, source: source, tiles: tiles, width: width)
    }

    /// The studio contact sheet of `content` as a PNG at least 2048 px wide (`StudioSheetLayout`):
    /// a dark title band, the source beside the turnaround, then the other rows, each picture
    /// labelled and marked with its QA verdict; an empty placeholder where a picture is missing.
    public static func studioSheet(
        _ content: StudioSheetContent, width: Int = StudioSheetLayout.minimumWidth
    ) throws(ImagingError) -> EncodedImage {
        guard content.source != nil || !content.references.isEmpty else {
            throw .invalidArgument("a contact sheet needs a source or at least one reference")
        }
        let layout = try studioSheetLayout(content, width: width)
        try CanvasGeometry.validate(width: layout.width, height: layout.height, minimum: 32)
        let canvas = try VipsCanvas(width: layout.width, height: layout.height, colour: StudioSheetInk.paper)
        try canvas.fill(layout.titleBand, colour: StudioSheetInk.band)
        try canvas.write(layout.title, in: layout.titleBox, style: .title(pixelSize: layout.titleSize), colour: .white)
        try canvas.write(
            layout.details, in: layout.detailsBox, style: .body(pixelSize: layout.detailsSize), colour: StudioSheetInk.bandText)
        for row in layout.rows {
            guard let heading = row.heading else { continue }
            try canvas.write(row.section.heading, in: heading, style: .label(pixelSize: layout.headingSize), colour: StudioSheetInk.heading)
        }
        var pictures: [Stage: [UInt8]] = [:]
        for reference in content.references where pictures[reference.stage] == nil { pictures[reference.stage] = reference.image }
        for cell in layout.cells {
            let bytes = cell.stage.map { pictures[$0] } ?? content.source
            try naming(cell.stage) { () throws(ImagingError) in try draw(cell, picture: bytes, captionSize: layout.captionSize, on: canvas)
            }
        }
        return try canvas.image.encodedImage(as: .png)
    }

    /// Runs `body` for one picture; a failure says which (`stage side: image is truncated`, `the source: ...`).
    private static func naming<T>(_ stage: Stage?, _ body: () throws(ImagingError) -> T) throws(ImagingError) -> T {
        do {
            return try body()
        } catch {
            let picture = stage.map { "stage \($0.name)" } ?? "the source"
            throw ImagingError(code: error.code, message: "\(picture): \(error.message)", detail: error.detail)
        }
    }

    /// The size a picture has once its EXIF orientation is applied, as the thumbnail draws it.
    private static func uprightSize(_ bytes: [UInt8]) throws(ImagingError) -> PixelSize {
        let header = try probe(bytes)
        let turned = (5...8).contains(header.orientation)
        return PixelSize(width: turned ? header.height : header.width, height: turned ? header.width : header.height)
    }

    /// One cell: the picture (or a placeholder with its note), the red outline of a failed
    /// picture, the verdict badge over the picture's corner, and the caption underneath.
    private static func draw(
        _ cell: StudioSheetLayout.Cell, picture: [UInt8]?, captionSize: Int, on canvas: VipsCanvas
    ) throws(ImagingError) {
        if let image = cell.image, let picture {
            try canvas.paste(fitting: picture, into: image.tuple, background: StudioSheetInk.paper)
        } else {
            try canvas.fill(cell.frame, colour: StudioSheetInk.placeholder)
            if let note = cell.note, let box = cell.noteBox {
                try canvas.write(note, in: box, style: .body(pixelSize: captionSize), colour: StudioSheetInk.note, centred: true)
            }
        }
        if let outline = cell.outline, let image = cell.image, let fail = ContactSheetBadge(.fail) {
            // Four bars between the picture and the outline's edge: the picture itself stays untouched.
            let bars = [
                PixelRect(x: outline.x, y: outline.y, width: outline.width, height: image.y - outline.y),
                PixelRect(x: outline.x, y: image.maxY, width: outline.width, height: outline.maxY - image.maxY),
                PixelRect(x: outline.x, y: image.y, width: image.x - outline.x, height: image.height),
                PixelRect(x: image.maxX, y: image.y, width: outline.maxX - image.maxX, height: image.height),
            ]
            for bar in bars { try canvas.fill(bar, colour: fail.fill) }
        }
        if let box = cell.badge, let badge = cell.verdict.flatMap(ContactSheetBadge.init) {
            try draw(badge, at: box.tuple, on: canvas)
        }
        try canvas.write(cell.label, in: cell.caption, style: .label(pixelSize: captionSize), colour: .ink, centred: true)
    }

    /// Fills a QA badge's box and writes its word in the middle, bold so it reads at thumbnail size.
    private static func draw(
        _ badge: ContactSheetBadge, at box: (x: Int, y: Int, width: Int, height: Int), on canvas: VipsCanvas
    ) throws(ImagingError) {
        try canvas.fill(x: box.x, y: box.y, width: box.width, height: box.height, colour: badge.fill)
        let inset = max(1, box.height / 8)
        if let word = try VipsImageHandle.text(
            badge.word, style: .label(pixelSize: box.height - 2 * inset), maxWidth: box.width - 2 * inset,
            maxHeight: box.height - 2 * inset, centred: true
        ) {
            try canvas.paint(
                badge.ink, through: word, centredIn: (box.x + inset, box.y + inset, box.width - 2 * inset, box.height - 2 * inset))
        }
    }
}
