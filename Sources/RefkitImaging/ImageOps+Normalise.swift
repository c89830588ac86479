import CVips

extension ImageOps {
    /// Upright (EXIF), 8-bit sRGB, alpha on white, long side <= maxLongSide (never upscaled), no metadata, JPEG.
    public static func normaliseSource(_ bytes: [UInt8], maxLongSide: Int = 2048, quality: Int = 90) throws(ImagingError) -> EncodedImage {
        guard maxLongSide > 0 else { throw .invalidArgument("maxLongSide must be positive") }
        // thumbnail applies the EXIF orientation and shrinks on load (fast for big JPEGs);
        // size=down never upscales. Its output still carries the source metadata.
        return try decodingPipeline(over: bytes) { () throws(ImagingError) in
            let resized = try VipsImageHandle.thumbnail(
                bytes, width: maxLongSide, height: maxLongSide,
                size: VIPS_SIZE_DOWN, crop: VIPS_INTERESTING_NONE, strictness: .failOnWarning
            )
            let normalised = try resized.flattenedSRGB(on: .white)
            // strip drops EXIF (GPS included), XMP, IPTC and the ICC profile; output is sRGB.
            return try normalised.encodedImage(as: .jpeg, quality: quality)
        }
    }
}
