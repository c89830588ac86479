import CVips

/// How strictly a loader treats damage in the file.
enum DecodeStrictness {
    /// Decode what can be decoded (headers, previews).
    case lenient
    /// Any decoder warning is an error (libvips `fail_on=warning`).
    case failOnWarning

    var flag: Int32 { self == .failOnWarning ? 1 : 0 }
}

extension VipsImageHandle {
    /// Opens an encoded image lazily: only the header is read until pixels are needed.
    static func load(
        _ bytes: [UInt8], strictness: DecodeStrictness, sequential: Bool
    ) throws(ImagingError) -> VipsImageHandle {
        try Imaging.ready()
        guard !bytes.isEmpty else {
            throw ImagingError(code: ImagingError.unreadableCode, message: "image is empty")
        }
        let image = bytes.withUnsafeBytes { raw in
            rk_vips_load_buffer_copy(raw.baseAddress, raw.count, strictness.flag, sequential ? 1 : 0)
        }
        guard let image else {
            throw .fromVips(code: ImagingError.unreadableCode, message: "image header could not be read")
        }
        return VipsImageHandle(taking: image)
    }

    /// Shrink-on-load resize that fits `width` x `height` (or fills it, with `crop`), applying EXIF orientation.
    /// A fill that would scale the whole source beyond both the source and the box is refused
    /// from the header, before any pixel is made (`ThumbnailGeometry`).
    static func thumbnail(
        _ bytes: [UInt8], width: Int, height: Int,
        size: VipsSize, crop: VipsInteresting, strictness: DecodeStrictness
    ) throws(ImagingError) -> VipsImageHandle {
        try Imaging.ready()
        guard !bytes.isEmpty else {
            throw ImagingError(code: ImagingError.unreadableCode, message: "image is empty")
        }
        if crop != VIPS_INTERESTING_NONE {
            let header = try load(bytes, strictness: .lenient, sequential: false).header
            let geometry = ThumbnailGeometry(
                sourceWidth: header.width, sourceHeight: header.height, boxWidth: width, boxHeight: height, fills: true,
                downOnly: size == VIPS_SIZE_DOWN)
            guard geometry.isWithinBound else {
                throw ImagingError(
                    code: ImagingError.intermediateTooLargeCode,
                    message: "filling the box would scale the whole image beyond its own size and the box's",
                    detail: "\(header.width)x\(header.height) to fill \(width)x\(height): \(Int(geometry.intermediatePixels)) pixels")
            }
        }
        let image = bytes.withUnsafeBytes { raw in
            rk_vips_thumbnail_buffer_copy(
                raw.baseAddress, raw.count, Int32(width), Int32(height),
                Int32(size.rawValue), Int32(crop.rawValue), strictness.flag
            )
        }
        guard let image else {
            throw .fromVips(code: ImagingError.unreadableCode, message: "image could not be opened for resizing")
        }
        return VipsImageHandle(taking: image)
    }
}
