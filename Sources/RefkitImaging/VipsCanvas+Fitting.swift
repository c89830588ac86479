import CVips

extension VipsCanvas {
    /// Fits encoded `bytes` inside the box (aspect kept, up- or down-scaled), flattens it on
    /// `background` and pastes it centred in the box.
    func paste(fitting bytes: [UInt8], into box: (x: Int, y: Int, width: Int, height: Int), background: RGBColour) throws(ImagingError) {
        guard box.width > 0, box.height > 0 else { return }
        // draw_image computes the picture here, so decode damage surfaces in this call.
        try ImageOps.decodingPipeline(over: bytes) { () throws(ImagingError) in
            let picture = try VipsImageHandle.thumbnail(
                bytes, width: box.width, height: box.height,
                size: VIPS_SIZE_BOTH, crop: VIPS_INTERESTING_NONE, strictness: .failOnWarning
            ).flattenedSRGB(on: background)
            let x = box.x + (box.width - picture.width) / 2
            let y = box.y + (box.height - picture.height) / 2
            try paste(picture, x: x, y: y)
        }
    }
}
