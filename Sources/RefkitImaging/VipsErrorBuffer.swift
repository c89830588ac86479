import CVips
import Synchronization

/// libvips' process-wide error text.
enum VipsErrorBuffer {
    /// Held while a strict decode's failure is named from the text (`ImageOps.verifyDecode`),
    /// and by every clear, so that no clear wipes the text half-way through.
    static let naming = Mutex(())

    /// Empties the buffer after a failure that is tolerated (a broken ICC profile, a missing field).
    static func clear() {
        naming.withLock { _ in vips_error_clear() }
    }

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
