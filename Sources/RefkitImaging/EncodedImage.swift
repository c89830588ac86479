/// An encoded image and the dimensions it was encoded at.
public struct EncodedImage: Sendable, Equatable {
    /// The encoded file bytes.
    public var data: [UInt8]
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// MIME type of `data`, e.g. "image/jpeg".
    public var mime: String

    /// Creates an encoded image value.
    public init(data: [UInt8], width: Int, height: Int, mime: String) {
        self.data = data
        self.width = width
        self.height = height
        self.mime = mime
    }
}
