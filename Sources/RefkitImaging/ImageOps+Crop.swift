import CVips

extension ImageOps {
    /// Square crop around the most salient region (smartcrop attention), scaled to size x size, PNG.
    ///
    /// Shrink before crop: the square is cut at no more than the source's own scale (its side
    /// is the short side, or `size` when that is smaller) and only then scaled to `size`, so no
    /// step holds more pixels than the source or the output (see `ThumbnailGeometry`).
    public static func attentionSquare(_ bytes: [UInt8], size: Int) throws(ImagingError) -> EncodedImage {
        guard size > 0 else { throw .invalidArgument("size must be positive") }
        let header = try probe(bytes)
        let side = max(1, min(size, header.width, header.height))
        return try decodingPipeline(over: bytes) { () throws(ImagingError) in
            var square = try VipsImageHandle.thumbnail(
                bytes, width: side, height: side,
                size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_ATTENTION, strictness: .failOnWarning
            )
            if square.width != size || square.height != size {
                square = try square.resized(toWidth: size, height: size)
            }
            return try square.flattenedSRGB(on: .white).encodedImage(as: .png)
        }
    }
}
