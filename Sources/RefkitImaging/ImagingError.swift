import CVips

/// A failure from the imaging layer, with a stable `code` users see in error.json and the manifest.
public struct ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. "image_truncated".
    public let code: String
    /// Short human summary.
    public let message: String
    /// Underlying cause, usually libvips' error text.
    public let detail: String

    /// Creates an error from its parts.
    public init(code: String, message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// "code: message (detail)".
    public var description: String {
        detail.isEmpty ? "\(code): \(message)" : "\(code): \(message) (\(detail))"
    }
}

extension ImagingError {
    /// libvips could not be initialised in this process.
    public static let unavailableCode = "imaging_unavailable"
    /// The bytes are not an image any loader recognises, or the header is broken.
    public static let unreadableCode = "image_unreadable"
    /// The header is fine but the pixel data ends early.
    public static let truncatedCode = "image_truncated"
    /// The header is fine but the pixel data is damaged.
    public static let corruptCode = "image_corrupt"
    /// Width x height exceeds the caller's limit.
    public static let tooManyPixelsCode = "image_too_many_pixels"
    /// An operation would build an image larger than its source and its output (`ThumbnailGeometry`).
    public static let intermediateTooLargeCode = "image_intermediate_too_large"
    /// A pixel operation failed on an image that decoded.
    public static let processFailedCode = "image_process_failed"
    /// Writing the output format failed.
    public static let encodeFailedCode = "image_encode_failed"
    /// The caller asked for something impossible (zero size, unknown format, no items).
    public static let invalidArgumentCode = "image_invalid_argument"

    /// Builds an error from libvips' (thread-shared) error buffer, which it then clears.
    static func fromVips(code: String, message: String) -> ImagingError {
        ImagingError(code: code, message: message, detail: VipsErrorBuffer.take())
    }

    static func invalidArgument(_ message: String) -> ImagingError {
        ImagingError(code: invalidArgumentCode, message: message)
    }
}
