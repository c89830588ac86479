extension ImageOps {
    /// Labelled grid of images on white: each fitted into a cell x cell square with its label underneath. PNG.
    /// A plain composite (the benchmark's fake provider draws pictures with it); a kit's contact sheet,
    /// with its rows and QA marks, is `studioSheet`.
    public static func contactSheet(
        _ items: [(bytes: [UInt8], label: String)], columns: Int = 4, cell: Int = 384
    ) throws(ImagingError) -> EncodedImage {
        guard !items.isEmpty else { throw .invalidArgument("a contact sheet needs at least one image") }
        guard columns > 0, cell >= 32 else { throw .invalidArgument("columns must be positive and cell at least 32") }
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
        }
        return try canvas.image.encodedImage(as: .png)
    }
}
