import CVips
import RefkitCore

extension VipsImageHandle {
    /// Encodes the image; `stripMetadata` removes EXIF (GPS included), XMP, IPTC and ICC.
    func encoded(as format: ImageFormat, quality: Int = 90, stripMetadata: Bool = true) throws(ImagingError) -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let strip: Int32 = stripMetadata ? 1 : 0
        let q = Int32(min(100, max(1, quality)))
        let status: Int32 =
            switch format {
            case .jpeg: rk_vips_jpegsave_buffer(pointer, &buffer, &length, q, strip)
            // zlib level 2: several times faster than 6 for a few % more bytes.
            case .png: rk_vips_pngsave_buffer(pointer, &buffer, &length, 2, strip)
            case .webp: rk_vips_webpsave_buffer(pointer, &buffer, &length, q, strip)
            case .heic, .heif:
                rk_vips_heifsave_buffer(pointer, &buffer, &length, q, Int32(VIPS_FOREIGN_HEIF_COMPRESSION_HEVC.rawValue), strip)
            case .avif:
                rk_vips_heifsave_buffer(pointer, &buffer, &length, q, Int32(VIPS_FOREIGN_HEIF_COMPRESSION_AV1.rawValue), strip)
            case .gif: rk_vips_gifsave_buffer(pointer, &buffer, &length, strip)
            }
        defer { if let buffer { g_free(buffer) } }
        guard status == 0, let buffer else {
            throw .fromVips(code: ImagingError.encodeFailedCode, message: "\(format.rawValue) encoding failed")
        }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// Encodes and records the dimensions alongside the bytes.
    func encodedImage(as format: ImageFormat, quality: Int = 90) throws(ImagingError) -> EncodedImage {
        EncodedImage(data: try encoded(as: format, quality: quality), width: width, height: height, mime: format.mime)
    }
}
