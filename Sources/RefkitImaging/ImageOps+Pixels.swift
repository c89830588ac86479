import CVips

extension ImageOps {
    /// Decodes an image strictly (any decoder warning is an error) into upright 8-bit sRGB pixels,
    /// alpha flattened onto white, shrunk so the long side is at most `maxLongSide` when given
    /// (never enlarged). Check the pixel limit (`probe`, `checkPixelLimit`) before calling: without
    /// `maxLongSide` every pixel is computed into memory.
    ///
    /// With `maxLongSide`, JPEG and WebP shrink while they decode (libvips' thumbnail), so a 6000 px
    /// photo costs far less than a full decode.
    public static func rgbPixels(_ bytes: [UInt8], maxLongSide: Int? = nil) throws(ImagingError) -> RGBPixels {
        if let maxLongSide, maxLongSide <= 0 { throw .invalidArgument("maxLongSide must be positive, not \(maxLongSide)") }
        return try decodingPipeline(over: bytes) { () throws(ImagingError) -> RGBPixels in
            let upright: VipsImageHandle
            if let maxLongSide {
                upright = try VipsImageHandle.thumbnail(
                    bytes, width: maxLongSide, height: maxLongSide,
                    size: VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE, strictness: .failOnWarning)
            } else {
                upright = try VipsImageHandle.load(bytes, strictness: .failOnWarning, sequential: false).autorotated()
            }
            let rgb = try upright.flattenedSRGB(on: .white)
            guard rgb.bands == 3 else {
                throw ImagingError(
                    code: ImagingError.processFailedCode, message: "expected 3 bands after sRGB conversion, got \(rgb.bands)")
            }
            return try RGBPixels(width: rgb.width, height: rgb.height, bytes: rgb.pixelBytes())
        }
    }
}
