import CVips

/// An output encoding libvips can write.
enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, webp, heif, avif, gif

    init(name: String) throws(ImagingError) {
        switch name.lowercased() {
        case "jpeg", "jpg": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "heif", "heic": self = .heif
        case "avif": self = .avif
        case "gif": self = .gif
        default: throw .invalidArgument("unsupported output format \"\(name)\"")
        }
    }

    var mime: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .heif: "image/heic"
        case .avif: "image/avif"
        case .gif: "image/gif"
        }
    }
}
