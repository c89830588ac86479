import CVips

extension VipsImageHandle {
    private static let processFailed = ImagingError.processFailedCode

    /// Rotates upright by EXIF orientation and drops the orientation tag.
    func autorotated() throws(ImagingError) -> VipsImageHandle {
        try derive((Self.processFailed, "EXIF orientation could not be applied")) { rk_vips_autorot($0, $1) }
    }

    /// 8-bit, 3-band sRGB with any alpha flattened onto `background`.
    /// Handles CMYK, 16-bit, greyscale and alpha inputs alike.
    func flattenedSRGB(on background: RGBColour) throws(ImagingError) -> VipsImageHandle {
        var image = colourManagedToSRGB()
        if image.interpretation != VIPS_INTERPRETATION_sRGB || image.format != VIPS_FORMAT_UCHAR {
            // colourspace also moves 16-bit to 8-bit and keeps any alpha band.
            image = try image.derive((Self.processFailed, "conversion to sRGB failed")) {
                rk_vips_colourspace($0, $1, Int32(VIPS_INTERPRETATION_sRGB.rawValue))
            }
        }
        if image.hasAlpha {
            image = try image.derive((Self.processFailed, "alpha could not be flattened")) {
                rk_vips_flatten_rgb($0, $1, background.red, background.green, background.blue)
            }
        }
        if image.bands > 3 {
            throw ImagingError(code: Self.processFailed, message: "unexpected band count \(image.bands) after sRGB conversion")
        }
        if image.format != VIPS_FORMAT_UCHAR {
            image = try image.derive((Self.processFailed, "cast to 8-bit failed")) {
                rk_vips_cast($0, $1, Int32(VIPS_FORMAT_UCHAR.rawValue))
            }
        }
        if image.interpretation != VIPS_INTERPRETATION_sRGB {
            image = try image.derive((Self.processFailed, "interpretation could not be set")) {
                rk_vips_copy_interpretation($0, $1, Int32(VIPS_INTERPRETATION_sRGB.rawValue))
            }
        }
        return image
    }

    /// Converts through an embedded ICC profile (e.g. Display P3) to sRGB, so colours survive
    /// stripping the profile. A broken profile is common in the wild: then the pixels go on
    /// unmanaged rather than failing the image.
    func colourManagedToSRGB() -> VipsImageHandle {
        guard hasField("icc-profile-data") else { return self }
        var out: UnsafeMutablePointer<VipsImage>?
        guard rk_vips_icc_transform(pointer, &out, "srgb", 1) == 0, let out else {
            if let out { g_object_unref(out) }
            VipsErrorBuffer.clear()
            return self
        }
        return VipsImageHandle(taking: out)
    }

    /// Scaled to exactly `width` x `height`.
    func resized(toWidth width: Int, height: Int) throws(ImagingError) -> VipsImageHandle {
        let (h, v) = (Double(width) / Double(self.width), Double(height) / Double(self.height))
        return try derive((Self.processFailed, "resize failed")) { rk_vips_resize_xy($0, $1, h, v) }
    }

    /// Tags the image as sRGB without touching pixels.
    func taggedSRGB() throws(ImagingError) -> VipsImageHandle {
        try derive((Self.processFailed, "interpretation could not be set")) {
            rk_vips_copy_interpretation($0, $1, Int32(VIPS_INTERPRETATION_sRGB.rawValue))
        }
    }

    /// A fresh private copy; needed before setting metadata on an image others may share.
    func copied() throws(ImagingError) -> VipsImageHandle {
        try derive((Self.processFailed, "image copy failed")) { rk_vips_copy($0, $1) }
    }

    /// Computes every pixel into memory: the result can be drawn on in place.
    func inMemory() throws(ImagingError) -> VipsImageHandle {
        guard let copy = vips_image_copy_memory(pointer) else {
            throw .fromVips(code: Self.processFailed, message: "image could not be computed into memory")
        }
        return VipsImageHandle(taking: copy)
    }

    /// Mean of all pixels; reading every pixel makes it a full decode.
    func average() throws(ImagingError) -> Double {
        var value = 0.0
        guard rk_vips_avg(pointer, &value) == 0 else {
            throw .fromVips(code: Self.processFailed, message: "image could not be decoded")
        }
        return value
    }
}

extension VipsImageHandle {
    /// Every pixel as packed bytes (band-interleaved, row-major); computes the whole image.
    func pixelBytes() throws(ImagingError) -> [UInt8] {
        var length = 0
        guard let memory = vips_image_write_to_memory(pointer, &length) else {
            throw .fromVips(code: ImagingError.processFailedCode, message: "pixels could not be read")
        }
        defer { g_free(memory) }
        return Array(UnsafeRawBufferPointer(start: memory, count: length))
    }
}
