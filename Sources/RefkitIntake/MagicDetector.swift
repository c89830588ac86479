import CMagic
import RefkitCore

/// Owns one libmagic handle. `magic_t` is not thread-safe: each owner (an actor or one thread)
/// has its own detector and never shares it.
public final class MagicDetector {
    private let cookie: magic_t

    public init() throws(RefkitError) {
        guard let cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TAR) else {
            throw RefkitError("magic_unavailable", "cannot open libmagic")
        }
        guard magic_load(cookie, nil) == 0 else {
            let detail = magic_error(cookie).map { String(cString: $0) } ?? ""
            magic_close(cookie)
            throw RefkitError("magic_unavailable", "cannot load the libmagic database", detail: detail)
        }
        self.cookie = cookie
    }

    deinit { magic_close(cookie) }

    /// The MIME type of the bytes (`image/jpeg`, `text/plain`, …), from their content only.
    public func mimeType(of bytes: [UInt8]) -> String {
        let result = bytes.withUnsafeBytes { magic_buffer(cookie, $0.baseAddress, $0.count) }
        return result.map { String(cString: $0) } ?? "application/octet-stream"
    }
}
