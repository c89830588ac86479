/// What an image's header says, read without decoding pixels.
public struct ImageHeader: Sendable, Equatable {
    /// Stored width in pixels (before any EXIF rotation).
    public var width: Int
    /// Stored height in pixels (before any EXIF rotation).
    public var height: Int
    /// Number of bands, e.g. 3 for RGB, 4 for RGBA or CMYK, 1 for greyscale.
    public var bands: Int
    /// The libvips loader that recognised the bytes, e.g. "jpegload_buffer".
    public var loader: String
    /// libvips interpretation nickname, e.g. "srgb", "cmyk", "b-w", "rgb16".
    public var interpretation: String
    /// EXIF orientation 1...8 (1 when absent).
    public var orientation: Int

    /// Creates a header value.
    public init(width: Int, height: Int, bands: Int, loader: String, interpretation: String, orientation: Int = 1) {
        self.width = width
        self.height = height
        self.bands = bands
        self.loader = loader
        self.interpretation = interpretation
        self.orientation = orientation
    }

    /// Pixel count, for the limit check that must precede any decode.
    public var pixelCount: Int { width * height }
}
