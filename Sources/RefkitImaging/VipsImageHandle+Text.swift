import CVips

extension VipsImageHandle {
    /// Renders plain text to a one-band coverage mask no larger than maxWidth x maxHeight,
    /// shrinking the font only when the text would not fit. Nil for blank text. Drawn from
    /// refkit's own glyph atlas (see `GlyphAtlas`), never through Pango.
    static func text(
        _ plain: String, style: TextStyle, maxWidth: Int, maxHeight: Int, centred: Bool
    ) throws(ImagingError) -> VipsImageHandle? {
        try Imaging.ready()
        let trimmed = plain.trimmingSuffixWhitespace()
        guard !trimmed.isEmpty, maxWidth > 0, maxHeight > 0 else { return nil }
        // Start at the style's size, shrink until the wrapped text fits the box (down to 8 px).
        var pixelSize = max(8, style.pixelSize)
        var lines: [String] = []
        var scale = 1.0
        while true {
            scale = Double(pixelSize) / Double(GlyphAtlas.cellHeight)
            let cell = Double(GlyphAtlas.cellWidth) * scale
            let perLine = max(1, Int(Double(maxWidth) / cell))
            lines = wrap(trimmed, perLine: perLine)
            let height = Double(lines.count * GlyphAtlas.cellHeight) * scale
            if height <= Double(maxHeight) || pixelSize <= 8 { break }
            pixelSize = max(8, pixelSize * 9 / 10)
        }
        // Lines that still do not fit are dropped (the box is a hard limit).
        let fittingLines = max(1, Int(Double(maxHeight) / (Double(GlyphAtlas.cellHeight) * scale)))
        if lines.count > fittingLines { lines = Array(lines.prefix(fittingLines)) }
        let rendered = GlyphAtlas.render(lines, centred: centred)
        let failure = (ImagingError.processFailedCode, "text could not be rendered")
        let native = try make(failure) { out in
            rendered.pixels.withUnsafeBytes { raw in
                rk_vips_mask_from_memory(out, raw.baseAddress, raw.count, Int32(rendered.width), Int32(rendered.height))
            }
        }
        let scaled = scale == 1 ? native : try native.derive(failure) { rk_vips_resize($0, $1, scale) }
        let width = Int32(min(maxWidth, scaled.width))
        let height = Int32(min(maxHeight, scaled.height))
        if Int(width) == scaled.width, Int(height) == scaled.height { return scaled }
        return try scaled.derive(failure) { rk_vips_extract_area($0, $1, 0, 0, width, height) }
    }

    /// Greedy word wrap at `perLine` characters; words longer than a line are split.
    static func wrap(_ text: String, perLine: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                while word.count > perLine {
                    if !line.isEmpty {
                        lines.append(line)
                        line = ""
                    }
                    lines.append(String(word.prefix(perLine)))
                    word = String(word.dropFirst(perLine))
                }
                if line.isEmpty {
                    line = word
                } else if line.count + 1 + word.count <= perLine {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = word
                }
            }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
