/// A raster image format by what names it outside the bytes: its MIME type and file extension.
/// The one table between the two, for intake, providers, work files and encoders.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case jpeg, png, webp, heic, heif, avif, gif

    /// The format a MIME type names (`image/jpg`, which some servers send, is JPEG); nil for others.
    public init?(mime: String) {
        switch mime.lowercased() {
        case "image/jpeg", "image/jpg": self = .jpeg
        case "image/png": self = .png
        case "image/webp": self = .webp
        case "image/heic": self = .heic
        case "image/heif": self = .heif
        case "image/avif": self = .avif
        case "image/gif": self = .gif
        default: return nil
        }
    }

    /// The format a file extension (without the dot, any case) names; nil for others.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "heic": self = .heic
        case "heif": self = .heif
        case "avif": self = .avif
        case "gif": self = .gif
        default: return nil
        }
    }

    /// `image/jpeg`, `image/png`, …
    public var mime: String { "image/\(self == .jpeg ? "jpeg" : rawValue)" }

    /// The extension files of this format get, without the dot (`jpg` for JPEG).
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}
