import CVips
import Synchronization

/// Strict decodes run one at a time: libvips keeps one error text for the whole process, and
/// a strict decode's verdict (truncated or damaged) is read from that text. Two failing at once
/// could each read the other's words (seen in the test suite: a cut PNG named "corrupt"). A
/// decode that succeeds costs ~1 ms per 256 px image here, so the lock is rarely contended.
private let strictDecodeLock = Mutex(())

/// Image operations over encoded bytes; every function is synchronous and safe to call from many tasks at once.
public enum ImageOps {
    /// Header only, no pixel decode: fast even for a file declaring 100000 x 100000 pixels.
    public static func probe(_ bytes: [UInt8]) throws(ImagingError) -> ImageHeader {
        try VipsImageHandle.load(bytes, strictness: .lenient, sequential: false).header
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
    public static func verifyDecode(_ bytes: [UInt8]) throws(ImagingError) {
        try strictDecodeLock.withLock { _ throws(ImagingError) in
            // Sequential access: one top-to-bottom pass, no whole-image cache.
            let image = try VipsImageHandle.load(bytes, strictness: .failOnWarning, sequential: true)
            do throws(ImagingError) {
                _ = try image.average()
            } catch {
                throw DecodeFailure.classify(error.detail)
            }
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
