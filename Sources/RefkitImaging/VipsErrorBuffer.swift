import CVips

/// libvips' process-wide error text.
enum VipsErrorBuffer {
    /// Copies and clears the buffer in one locked step (vips_error_buffer_copy), so
    /// concurrent callers never clear each other's text between a read and a clear.
    static func take() -> String {
        guard let copy = vips_error_buffer_copy() else { return "" }
        defer { g_free(copy) }
        let text = String(cString: copy)
        return text.trimmingSuffixWhitespace()
    }
}

extension String {
    func trimmingSuffixWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
