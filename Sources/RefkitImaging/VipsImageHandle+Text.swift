import CVips

extension VipsImageHandle {
    /// Renders plain text to a one-band coverage mask no larger than maxWidth x maxHeight,
    /// shrinking the font only when the text would not fit. Nil for blank text.
    static func text(
        _ plain: String, style: TextStyle, maxWidth: Int, maxHeight: Int, centred: Bool
    ) throws(ImagingError) -> VipsImageHandle? {
        try Imaging.ready()
        let trimmed = plain.trimmingSuffixWhitespace()
        guard !trimmed.isEmpty, maxWidth > 0, maxHeight > 0 else { return nil }
        let markup = PangoMarkup.escaping(trimmed)
        let align = Int32(centred ? VIPS_ALIGN_CENTRE.rawValue : VIPS_ALIGN_LOW.rawValue)
        let failure = (ImagingError.processFailedCode, "text could not be rendered")
        // All text is rendered on one thread (see TextThread); vips_text renders while it
        // builds, so the whole of the work happens there.
        let natural = try TextThread.shared.run { () -> Result<VipsImageHandle, ImagingError> in
            Result { () throws(ImagingError) in
                try make(failure) { rk_vips_text($0, markup, style.font, Int32(maxWidth), 0, Int32(style.dpi), align) }
            }
        }.get()
        if natural.width <= maxWidth, natural.height <= maxHeight { return natural }
        // Too big: let vips search for the dpi that fits the box.
        let fitted = try TextThread.shared.run { () -> Result<VipsImageHandle, ImagingError> in
            Result { () throws(ImagingError) in
                try make(failure) { rk_vips_text($0, markup, style.font, Int32(maxWidth), Int32(maxHeight), 0, align) }
            }
        }.get()
        if fitted.width <= maxWidth, fitted.height <= maxHeight { return fitted }
        // Still too big (e.g. one unbreakable word): crop to the box.
        let width = Int32(min(maxWidth, fitted.width)), height = Int32(min(maxHeight, fitted.height))
        return try fitted.derive(failure) { rk_vips_extract_area($0, $1, 0, 0, width, height) }
    }
}
