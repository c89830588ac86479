import CVips

extension ImageOps {
    /// Square crop around the most salient region (smartcrop attention), scaled to size x size, PNG.
    public static func attentionSquare(_ bytes: [UInt8], size: Int) throws(ImagingError) -> EncodedImage {
        guard size > 0 else { throw .invalidArgument("size must be positive") }
        // With crop set, thumbnail scales to fill the square then smartcrops the overflow.
        return try decodingPipeline(over: bytes) { () throws(ImagingError) in
            let cropped = try VipsImageHandle.thumbnail(
                bytes, width: size, height: size,
                size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_ATTENTION, strictness: .failOnWarning
            )
            return try cropped.flattenedSRGB(on: .white).encodedImage(as: .png)
        }
    }
}
