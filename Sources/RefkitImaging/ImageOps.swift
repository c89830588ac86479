import CVips

/// Image operations over encoded bytes; every function is synchronous and safe to call from many tasks at once.
public enum ImageOps {
    /// Header only, no pixel decode: fast even for a file declaring 100000 x 100000 pixels.
    public static func probe(_ bytes: [UInt8]) throws(ImagingError) -> ImageHeader {
        do {
            return try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false).header
        } catch {
            // libvips' error text is one buffer for the process: another thread's failure may take
            // ours before we read it. As in `verifyDecode`, the failure is named from a second load
            // made while holding the text exclusively, with the buffer emptied first.
            return try VipsErrorBuffer.exclusively { () throws(ImagingError) -> ImageHeader in
                _ = VipsErrorBuffer.take()
                return try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false).header
            }
        }
    }

    /// Throws `image_too_many_pixels` when the header declares more than `maxPixels`.
    public static func checkPixelLimit(_ header: ImageHeader, maxPixels: Int) throws(ImagingError) {
        guard header.pixelCount <= maxPixels else {
            throw ImagingError(
                code: ImagingError.tooManyPixelsCode,
                message: "image has \(header.width) x \(header.height) pixels, limit is \(maxPixels)"
            )
        }
    }

    /// Full decode with fail_on=warning; check the pixel limit before calling.
    ///
    /// The verdict (truncated or damaged) is read from libvips' error text, which is one buffer
    /// for the whole process: under concurrency it may hold another thread's words (seen in the
    /// test suite: a cut PNG named "corrupt"). So a failure is named from a second decode made
    /// while holding the error text exclusively (`VipsErrorBuffer`), with the buffer emptied first; decodes that
    /// succeed never wait for anything.
    public static func verifyDecode(_ bytes: [UInt8]) throws(ImagingError) {
        do {
            try strictDecode(bytes)
        } catch {
            try VipsErrorBuffer.exclusively { () throws(ImagingError) in
                _ = VipsErrorBuffer.take()
                try strictDecode(bytes)
            }
            throw error  // it decoded the second time (it should not): the first verdict stands
        }
    }

    private static func strictDecode(_ bytes: [UInt8]) throws(ImagingError) {
        // Sequential access: one top-to-bottom pass, no whole-image cache.
        let image = try VipsImageHandle.load(bytes, strictness: .failOnWarning, sequential: true)
        do {
            _ = try image.average()
        } catch {
            throw DecodeFailure.classify(error.detail)
        }
    }
}

extension ImageOps {
    /// Runs a pipeline over untrusted bytes, naming decode damage found mid-pipeline as such.
    /// libvips' error text is process-wide, so under concurrency it may belong to another
    /// thread: when a pipeline fails and its text does not say why, the input itself is
    /// decoded strictly once more, and its damage (if any) is the answer.
    static func decodingPipeline<T>(over bytes: [UInt8], _ body: () throws(ImagingError) -> T) throws(ImagingError) -> T {
        do {
            return try body()
        } catch {
            let named = DecodeFailure.reclassifyingPipeline(error)
            guard named.code == error.code else { throw named }
            try verifyDecode(bytes)
            throw error
        }
    }
}
