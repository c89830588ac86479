/// The operations that draw text run whole on the text thread (see `TextThread`).
extension ImageOps {
    /// Offline "preview" rendering: the input fitted onto a `width` x `height` canvas with a
    /// label band ("PREVIEW · SIDE VIEW"); deterministic for (input, label, seed). PNG out.
    public static func labelledCanvas(_ bytes: [UInt8], label: String, width: Int, height: Int, seed: UInt64) throws(ImagingError) -> EncodedImage {
        try TextThread.shared.run { Result { () throws(ImagingError) in try labelledCanvasOnTextThread(bytes, label: label, width: width, height: height, seed: seed) } }.get()
    }

    /// A card with a title and wrapped body text, no input image; deterministic per seed. PNG out.
    public static func textCard(title: String, body: String, width: Int, height: Int, seed: UInt64) throws(ImagingError) -> EncodedImage {
        try TextThread.shared.run { Result { () throws(ImagingError) in try textCardOnTextThread(title: title, body: body, width: width, height: height, seed: seed) } }.get()
    }

    /// A labelled grid of images (`columns` per row, each fitted into `cell` x `cell`). PNG out.
    public static func contactSheet(_ items: [(bytes: [UInt8], label: String)], columns: Int = 4, cell: Int = 384) throws(ImagingError) -> EncodedImage {
        try TextThread.shared.run { Result { () throws(ImagingError) in try contactSheetOnTextThread(items, columns: columns, cell: cell) } }.get()
    }
}
