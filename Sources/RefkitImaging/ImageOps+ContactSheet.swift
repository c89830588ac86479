import RefkitCore

extension ImageOps {
    /// Labelled grid of images on white: each fitted into a cell x cell square with its label underneath. PNG.
    /// `marks[i]` is item i's QA verdict, drawn as a coloured corner badge (`ContactSheetBadge`); a nil or
    /// `skipped` mark, or none at all, draws no badge.
    public static func contactSheet(
        _ items: [(bytes: [UInt8], label: String)], marks: [QAVerdict?] = [], columns: Int = 4, cell: Int = 384
    ) throws(ImagingError) -> EncodedImage {
        guard !items.isEmpty else { throw .invalidArgument("a contact sheet needs at least one image") }
        guard columns > 0, cell >= 32 else { throw .invalidArgument("columns must be positive and cell at least 32") }
        guard marks.count <= items.count else { throw .invalidArgument("\(marks.count) marks for \(items.count) images") }
        let layout = ContactSheetLayout(count: items.count, columns: columns, cell: cell)
        try CanvasGeometry.validate(width: layout.width, height: layout.height, minimum: 32)
        let canvas = try VipsCanvas(width: layout.width, height: layout.height, colour: .white)
        let pad = layout.padding
        for (index, item) in items.enumerated() {
            let (x, y) = layout.origin(of: index)
            try canvas.paste(fitting: item.bytes, into: (x + pad, y + pad, cell - 2 * pad, cell - 2 * pad), background: .white)
            if let text = try VipsImageHandle.text(
                item.label, style: .body(pixelSize: layout.labelHeight / 2),
                maxWidth: cell - 2 * pad, maxHeight: layout.labelHeight - pad, centred: true
            ) {
                try canvas.paint(.ink, through: text, centredIn: (x + pad, y + cell, cell - 2 * pad, layout.labelHeight - pad))
            }
            if index < marks.count, let badge = marks[index].flatMap(ContactSheetBadge.init) {
                try draw(badge, at: layout.badge(of: index), on: canvas)
            }
        }
        return try canvas.image.encodedImage(as: .png)
    }

    /// Fills the badge's box and writes its word in the middle, bold so it reads at thumbnail size.
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
