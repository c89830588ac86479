import RefkitCore

extension ImageFormat {
    /// An output encoding by the name an order or option gives (`jpg`, `heif`, …): HEIF is
    /// written as HEIC (HEVC inside), so both names give `.heic`.
    init(name: String) throws(ImagingError) {
        switch name.lowercased() {
        case "heif": self = .heic
        default:
            guard let format = ImageFormat(fileExtension: name) else {
                throw .invalidArgument("unsupported output format \"\(name)\"")
            }
            self = format
        }
    }
}
